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

/// Resident set size of a process from /proc, in bytes (0 if unknown).
public func residentSetBytes(pid: pid_t = getpid()) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
