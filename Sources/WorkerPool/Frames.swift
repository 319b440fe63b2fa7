#if canImport(Glibc)
import Glibc
#endif

/// Length-prefixed frames on a pipe: 4-byte big-endian length, then the payload.
public enum Frames {
    /// Frames larger than this are a protocol error (a corrupted stream), not a message.
    public static let maximumLength = 64 << 20

    /// Writes one frame; false if the pipe is closed.
    public static func write(_ payload: [UInt8], to fd: Int32) -> Bool {
        let n = UInt32(payload.count)
        let header: [UInt8] = [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
        return writeAll(header, fd) && writeAll(payload, fd)
    }

    /// Reads one frame; nil on end of file, error, or an impossible length.
    public static func read(from fd: Int32) -> [UInt8]? {
        guard let header = readExactly(4, fd) else { return nil }
        let n = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard n <= maximumLength else { return nil }
        return n == 0 ? [] : readExactly(n, fd)
    }

    private static func writeAll(_ bytes: [UInt8], _ fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private static func readExactly(_ count: Int, _ fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, count - offset) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            offset += got
        }
        return buffer
    }
}
