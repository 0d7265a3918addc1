// Marks one symbol-version need of an ELF shared library as weak (VER_FLG_WEAK), in place.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and records a need
// for GLIBCXX_3.4.32, whose only symbol (std::ios_base_library_init) is never called at run time. Debian 12
// ships libstdc++ up to GLIBCXX_3.4.30, so the dynamic loader refuses the library. A weak version need is
// only a warning for the loader (glibc's _dl_check_map_versions), so the library loads and works.
// Format: System V gABI + the LSB "Symbol Versioning" chapter (Elf64_Verneed / Elf64_Vernaux).
//
// This one file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the build task (Directory.Build.targets)
// and into the test project (with ELFPATCH_NO_TASK defined), where the pure patcher is unit-tested.
using System;
using System.IO;
using System.Text;

public enum ElfPatchOutcome
{
    Patched,
    AlreadyWeak,
    VersionNotNeeded,
}

public static class ElfVersionNeedPatcher
{
    public const ushort VerFlagWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="versionName"/>; idempotent.</summary>
    public static ElfPatchOutcome WeakenVersionNeed(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        var (outcome, flagsOffset) = Locate(elf, versionName, path);
        if (outcome != ElfPatchOutcome.Patched)
            return outcome;
        ushort flags = (ushort)(U16(elf, flagsOffset) | VerFlagWeak);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
        stream.Position = flagsOffset;
        stream.Write(new[] { (byte)(flags & 0xff), (byte)(flags >> 8) }, 0, 2);
        return ElfPatchOutcome.Patched;
    }

    /// <summary>Reads the current flags of the need, or null when the library does not need that version.</summary>
    public static ushort? ReadVersionNeedFlags(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        var (outcome, flagsOffset) = Locate(elf, versionName, path);
        return outcome == ElfPatchOutcome.VersionNotNeeded
            ? null
            : U16(elf, flagsOffset);
    }

    static (ElfPatchOutcome Outcome, int FlagsOffset) Locate(byte[] elf, string versionName, string path)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{path}: not an ELF file (bad magic)");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path}: expected a 64-bit little-endian ELF file (class {elf[4]}, data {elf[5]})");

        byte[] span = elf;
        ulong shoff = U64(span, 0x28);
        ushort shentsize = U16(span, 0x3A);
        ushort shnum = U16(span, 0x3C);
        if (shentsize < 64 || shoff + (ulong)shentsize * shnum > (ulong)elf.Length)
            throw new InvalidDataException($"{path}: section header table lies outside the file");

        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (U32(span, sh + 4) != ShtGnuVerneed)
                continue;
            int needOffset = checked((int)U64(span, sh + 24));
            uint link = U32(span, sh + 40);
            uint needCount = U32(span, sh + 44);
            if (link >= shnum)
                throw new InvalidDataException($"{path}: .gnu.version_r links to section {link} of {shnum}");
            int strSh = checked((int)shoff + (int)link * shentsize);
            int strOffset = checked((int)U64(span, strSh + 24));

            int vn = needOffset;
            for (uint i = 0; i < needCount; i++)
            {
                ushort auxCount = U16(span, vn + 2);
                int vna = vn + checked((int)U32(span, vn + 8));
                for (int a = 0; a < auxCount; a++)
                {
                    uint nameIndex = U32(span, vna + 8);
                    if (ReadCString(span, strOffset + (int)nameIndex) == versionName)
                    {
                        int flagsOffset = vna + 4;
                        ushort flags = U16(span, flagsOffset);
                        return ((flags & VerFlagWeak) != 0 ? ElfPatchOutcome.AlreadyWeak : ElfPatchOutcome.Patched, flagsOffset);
                    }
                    uint nextAux = U32(span, vna + 12);
                    if (nextAux == 0) break;
                    vna += (int)nextAux;
                }
                uint nextNeed = U32(span, vn + 12);
                if (nextNeed == 0) break;
                vn += (int)nextNeed;
            }
        }
        return (ElfPatchOutcome.VersionNotNeeded, -1);
    }

    static string ReadCString(byte[] bytes, int offset)
    {
        if (offset < 0 || offset >= bytes.Length)
            throw new InvalidDataException($"string offset {offset} outside the file");
        int end = Array.IndexOf(bytes, (byte)0, offset);
        if (end < 0) throw new InvalidDataException($"unterminated string at offset {offset}");
        return Encoding.ASCII.GetString(bytes, offset, end - offset);
    }

    // Plain little-endian reads: this file is also compiled by RoslynCodeTaskFactory against netstandard2.0,
    // which has neither spans nor BinaryPrimitives. Out-of-range offsets throw, as a truncated file should.
    static ushort U16(byte[] b, int o) => o < 0 || o + 2 > b.Length
        ? throw new InvalidDataException($"offset {o} outside the file")
        : (ushort)(b[o] | b[o + 1] << 8);

    static uint U32(byte[] b, int o) => (uint)U16(b, o) | (uint)U16(b, o + 2) << 16;

    static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
}

#if !ELFPATCH_NO_TASK
/// <summary>MSBuild task: weakens <see cref="VersionName"/> in every file of <see cref="Files"/>.</summary>
public class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    [Microsoft.Build.Framework.Required]
    public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                var outcome = ElfVersionNeedPatcher.WeakenVersionNeed(path, VersionName);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"{path}: {VersionName} {outcome}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError($"{path}: could not weaken {VersionName}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
