import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The child's end of the pipe. Frames travel on a private copy of stdout; fd 1 itself is pointed
/// at stderr so that anything a C library prints cannot corrupt the frame stream.
public struct WorkerChannel: Sendable {
    private let input: Int32
    private let output: Int32

    public static func takeOverStandardIO() -> WorkerChannel {
        let output = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        return WorkerChannel(input: STDIN_FILENO, output: output)
    }

    /// The next request, or nil when the parent closed the pipe.
    public func receive() -> [UInt8]? { Frames.read(from: input) }

    @discardableResult
    public func send(_ payload: [UInt8]) -> Bool { Frames.write(payload, to: output) }
}

/// Resident set size of a process from /proc, in bytes (0 if unknown). Read after every
/// evaluation, so plain file calls rather than Foundation.
public func residentSetBytes(pid: pid_t = getpid()) -> Int {
    let fd = open("/proc/\(pid)/statm", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
    guard count > 0 else { return 0 }
    // "size resident shared ...": the second field, in pages.
    let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
