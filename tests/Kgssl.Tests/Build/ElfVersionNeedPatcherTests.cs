using System.Buffers.Binary;
using System.Text;

namespace Kgssl.Tests.Build;

public class ElfVersionNeedPatcherTests
{
    /// <summary>
    /// A minimal 64-bit ELF written by hand: header, a .dynstr-like string table and a .gnu.version_r
    /// section with one Verneed (libstdc++.so.6) holding two Vernaux entries (GLIBCXX_3.4.30, GLIBCXX_3.4.32).
    /// </summary>
    static byte[] BuildElf(ushort flags32 = 0)
    {
        var strtab = Encoding.ASCII.GetBytes("\0libstdc++.so.6\0GLIBCXX_3.4.30\0GLIBCXX_3.4.32\0");
        int nameLib = 1, name30 = 16, name32 = 31;
        var verneed = new byte[16 + 2 * 16];
        var v = verneed.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(v[0..], 1);     // vn_version
        BinaryPrimitives.WriteUInt16LittleEndian(v[2..], 2);     // vn_cnt
        BinaryPrimitives.WriteUInt32LittleEndian(v[4..], (uint)nameLib);
        BinaryPrimitives.WriteUInt32LittleEndian(v[8..], 16);    // vn_aux
        BinaryPrimitives.WriteUInt32LittleEndian(v[12..], 0);    // vn_next
        // aux 1
        BinaryPrimitives.WriteUInt16LittleEndian(v[20..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(v[24..], (uint)name30);
        BinaryPrimitives.WriteUInt32LittleEndian(v[28..], 16);
        // aux 2
        BinaryPrimitives.WriteUInt16LittleEndian(v[36..], flags32);
        BinaryPrimitives.WriteUInt32LittleEndian(v[40..], (uint)name32);
        BinaryPrimitives.WriteUInt32LittleEndian(v[44..], 0);

        int strOff = 64, needOff = strOff + strtab.Length, shOff = needOff + verneed.Length;
        var elf = new byte[shOff + 3 * 64];
        var e = elf.AsSpan();
        e[0] = 0x7f; e[1] = (byte)'E'; e[2] = (byte)'L'; e[3] = (byte)'F'; e[4] = 2; e[5] = 1; e[6] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(e[0x28..], (ulong)shOff);
        BinaryPrimitives.WriteUInt16LittleEndian(e[0x3A..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(e[0x3C..], 3);
        strtab.CopyTo(e[strOff..]);
        verneed.CopyTo(e[needOff..]);
        // section 1: string table (SHT_STRTAB = 3)
        var s1 = e[(shOff + 64)..];
        BinaryPrimitives.WriteUInt32LittleEndian(s1[4..], 3);
        BinaryPrimitives.WriteUInt64LittleEndian(s1[24..], (ulong)strOff);
        BinaryPrimitives.WriteUInt64LittleEndian(s1[32..], (ulong)strtab.Length);
        // section 2: .gnu.version_r
        var s2 = e[(shOff + 128)..];
        BinaryPrimitives.WriteUInt32LittleEndian(s2[4..], 0x6ffffffe);
        BinaryPrimitives.WriteUInt64LittleEndian(s2[24..], (ulong)needOff);
        BinaryPrimitives.WriteUInt64LittleEndian(s2[32..], (ulong)verneed.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(s2[40..], 1);  // sh_link -> string table
        BinaryPrimitives.WriteUInt32LittleEndian(s2[44..], 1);  // sh_info = number of Verneed entries
        return elf;
    }

    static string WriteTemp(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"kgssl-elf-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void SetsOnlyTheWeakFlagOfTheNamedEntry()
    {
        var original = BuildElf();
        string path = WriteTemp(original);
        try
        {
            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.WeakenVersionNeed(path, "GLIBCXX_3.4.32"));
            var patched = File.ReadAllBytes(path);
            int flagsOffset = 64 + 46 + 16 + 16 + 4; // strtab(46 bytes) + verneed + first aux + vna_hash
            Assert.Equal(46, Encoding.ASCII.GetByteCount("\0libstdc++.so.6\0GLIBCXX_3.4.30\0GLIBCXX_3.4.32\0"));
            Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan(flagsOffset)));
            var diff = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
            Assert.Equal(new[] { flagsOffset }, diff);
            Assert.Equal((ushort)0, ElfVersionNeedPatcher.ReadVersionNeedFlags(path, "GLIBCXX_3.4.30"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void IsIdempotent()
    {
        string path = WriteTemp(BuildElf());
        try
        {
            ElfVersionNeedPatcher.WeakenVersionNeed(path, "GLIBCXX_3.4.32");
            var once = File.ReadAllBytes(path);
            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.WeakenVersionNeed(path, "GLIBCXX_3.4.32"));
            Assert.Equal(once, File.ReadAllBytes(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void KeepsOtherFlagBits()
    {
        string path = WriteTemp(BuildElf(flags32: 0x1));
        try
        {
            ElfVersionNeedPatcher.WeakenVersionNeed(path, "GLIBCXX_3.4.32");
            Assert.Equal((ushort)0x3, ElfVersionNeedPatcher.ReadVersionNeedFlags(path, "GLIBCXX_3.4.32"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ReportsAMissingNeedAndRejectsNonElf()
    {
        string path = WriteTemp(BuildElf());
        string junk = WriteTemp(Encoding.ASCII.GetBytes(new string('x', 100)));
        try
        {
            Assert.Equal(ElfPatchOutcome.VersionNotNeeded, ElfVersionNeedPatcher.WeakenVersionNeed(path,
                "GLIBCXX_9.9"));
            var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.WeakenVersionNeed(junk,
                "GLIBCXX_3.4.32"));
            Assert.Contains("not an ELF", ex.Message);
        }
        finally { File.Delete(path); File.Delete(junk); }
    }

    [Fact]
    public void TheBuildPatchedTheTorchSharpLibraryInTheTestOutput()
    {
        var libs = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(libs);
        foreach (var lib in libs)
        {
            var flags = ElfVersionNeedPatcher.ReadVersionNeedFlags(lib, "GLIBCXX_3.4.32");
            if (flags is ushort f) Assert.True((f & ElfVersionNeedPatcher.VerFlagWeak) != 0, $"{lib} is not patched");
        }
    }
}
