import Foundation
import SizerCore

/// A Unix-socket connection that sends arbitrary bytes and reads raw lines: for feeding the
/// daemon malformed input that a real client would never produce.
public final class RawSocket {
    private let fd: Int32
    private var buffer: [UInt8] = []

    public init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard let address = UnixSocketAddress(path: path) else { throw POSIXError(.ENAMETOOLONG) }
        guard address.withSockaddr({ connect(fd, $0, $1) }) == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Closes the writing side, as `socat` and `nc -N` do at the end of their input.
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// The next line, decoded as a JSON object (nil on EOF or timeout).
    public func readObject() -> [String: Any]? {
        guard let line = readLine() else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }

    public func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            buffer += chunk[..<count]
        }
    }

    /// Sends one line and reads the reply's `error.code` (nil if the reply has no error).
    public func errorCode(for line: String) -> Int? {
        send(line + "\n")
        guard let reply = readObject() else { return -1 }
        return (reply["error"] as? [String: Any])?["code"] as? Int
    }
}
