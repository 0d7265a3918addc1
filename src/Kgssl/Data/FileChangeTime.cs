using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Kgssl.Data;

/// <summary>
/// A file's status change time (ctime) and inode number where the system gives them (Linux), else its last write
/// time. Unlike the modification time, the change time cannot be set back: a copy that keeps the original's size
/// and modification time (<c>cp -p</c>, <c>rsync -t</c>) still gets a new change time.
/// </summary>
public static class FileChangeTime
{
    const int AtFdCwd = -100;
    const uint StatxBasicStats = 0x7ff;
    const int StatxSize = 256, InodeOffset = 32, ChangeTimeOffset = 96;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask,
        [Out] byte[] buffer);

    static bool available = OperatingSystem.IsLinux();

    /// <summary>"inode:seconds.nanoseconds" of the change time on Linux; the last write time's ticks
    /// elsewhere.</summary>
    public static string Of(string path)
    {
        if (available)
        {
            try
            {
                var buf = new byte[StatxSize];
                if (Statx(AtFdCwd, path, 0, StatxBasicStats, buf) == 0)
                {
                    ulong inode = BinaryPrimitives.ReadUInt64LittleEndian(buf.AsSpan(InodeOffset));
                    long seconds = BinaryPrimitives.ReadInt64LittleEndian(buf.AsSpan(ChangeTimeOffset));
                    uint nanos = BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(ChangeTimeOffset + 8));
                    return $"{inode}:{seconds}.{nanos:D9}";
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                available = false; // an older C library: fall back to the modification time
            }
        }
        return File.GetLastWriteTimeUtc(path).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
