"""Writes docs/configuration.md from the comments of the config records (src/Kgssl/Config/KgsslConfig.cs).

Run from the repository root after changing a config record: python3 docs/generate_configuration.py
A test (ConfigurationDocsTests) fails when a key of the records is missing from the page or the page names a key
that no record has.
"""
import re, sys
src=open('src/Kgssl/Config/KgsslConfig.cs').read()
sections={'DataConfig':'data','ModelConfig':'model','TrainingConfig':'training','EvaluationConfig':'evaluation','ForwardConfig':'forward'}
def snake(n): return re.sub(r'(?<!^)(?=[A-Z])','_',n).lower()
def clean(t):
    t=re.sub(r'<see cref="([^"]+)"\s*/>', lambda m: '`'+m.group(1).split('.')[-1]+'`', t)
    t=re.sub(r'<c>(.*?)</c>', r'`\1`', t)
    t=t.replace('&lt;','<').replace('&gt;','>').replace('&amp;','&').replace('&apos;',"'")
    return re.sub(r'\s+',' ',t).strip()
out=['# Configuration reference','',
 'A run config is YAML with five sections. Unknown keys and bad values are errors naming the file and line;',
 '`--set section.key=value` overrides any key (a list as `[a, b]`). The resolved config is saved in each run folder',
 'as `config.yml`. Relative paths are resolved against the config file\'s folder. Defaults below are those of the',
 'code; the files in `configs/` set their own.','']
for rec,sec in sections.items():
    m=re.search(r'public sealed record '+rec+r'\s*\{(.*?)\n\}', src, re.S)
    body=m.group(1)
    head=src[:m.start()]
    i=head.rfind('/// <summary>'); j=head.rfind('}')
    out.append(f'## `{sec}`')
    if i > j: out.append(clean(re.sub(r'///|</?summary>','',head[i:])))
    out+=['','| key | default | meaning |','|---|---|---|']
    for pm in re.finditer(r'((?:\s*///[^\n]*\n)*)\s*public ([A-Za-z<>, ]+) ([A-Za-z0-9]+) \{ get; init; \}(?: = ([^;]+);)?', body):
        doc=' '.join(l.strip()[3:].strip() for l in pm.group(1).strip().split('\n') if l.strip().startswith('///'))
        doc=clean(re.sub(r'</?summary>|</?param[^>]*>','',doc))
        # a property without an initializer takes its type's default
        default=re.sub(r'\s+',' ',pm.group(4)).strip().replace('"','') if pm.group(4) else \
            {'string':'','bool':'false'}.get(pm.group(2).strip(),'0')
        if default.startswith('['): default=default.replace('[','[').replace(']',']')
        out.append(f'| `{sec}.{snake(pm.group(3))}` | `{default}` | {doc.replace("|","/")} |')
    out.append('')
open('docs/configuration.md','w').write('\n'.join(out))
