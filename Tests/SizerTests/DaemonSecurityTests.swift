import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SizerTestSupport
import Testing

/// The daemon's boundary: socket permissions, TCP only with a token and on loopback unless asked.
@Suite(.serialized) struct DaemonSecurityTests {
    @Test func theUnixSocketIsOwnerAndGroupOnly() throws {
        let daemon = try DaemonProcess(workers: 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        #expect(mode & 0o777 == 0o660)
        // A second daemon on the same socket refuses to start instead of stealing it.
        let second = try CommandRun.run("sizerd", ["--socket", daemon.socketPath, "--db", daemon.directory + "/other.sqlite",
                                                   "--workers", "1"], timeout: 60)
        #expect(second.status != 0)
        #expect(second.stderr.contains("another sizerd is listening"))
        #expect(daemon.stop() == 0)
    }

    @Test func tcpNeedsTheTokenBeforeAnythingElse() throws {
        let directory = TestPaths.temporaryDirectory("tcp")
        let tokenFile = directory + "/token"
        let token = "s3cret-token-for-tests-0123456789"
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(directory: directory, workers: 1,
                                       extraArguments: ["--tcp", "127.0.0.1:0", "--token-file", tokenFile])
        let port = try #require(Self.tcpPort(in: daemon.log))
        // Without hello, or with a wrong token, nothing is served.
        let raw = try TCPLines(port: port)
        raw.send(#"{"jsonrpc":"2.0","id":1,"method":"circuits.list"}"# + "\n")
        #expect(raw.errorCode() == RPCErrorCode.unauthorized.rawValue)
        raw.send(#"{"jsonrpc":"2.0","id":2,"method":"hello","params":{"protocol_version":1,"token":"guess"}}"# + "\n")
        #expect(raw.errorCode() == RPCErrorCode.unauthorized.rawValue)
        raw.send(#"{"jsonrpc":"2.0","id":3,"method":"jobs.list"}"# + "\n")
        #expect(raw.errorCode() == RPCErrorCode.unauthorized.rawValue)
        // With the token, everything is.
        let client = try SizerClient(host: "127.0.0.1", port: port, token: token)
        #expect(try client.call(CircuitsList.self, NoParams()).circuits.contains { $0.name == "ota_l1" })
        #expect(daemon.stop() == 0)
    }

    @Test func tcpOnANonLoopbackAddressMustBeAskedFor() throws {
        let directory = TestPaths.temporaryDirectory("tcp-remote")
        try "0123456789abcdef0123".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let refused = try CommandRun.run("sizerd", ["--socket", directory + "/s.sock", "--db", directory + "/db.sqlite",
                                                    "--tcp", "0.0.0.0:0", "--token-file", directory + "/token"], timeout: 60)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("not a loopback address"))
        let noToken = try CommandRun.run("sizerd", ["--socket", directory + "/s.sock", "--db", directory + "/db.sqlite",
                                                    "--tcp", "127.0.0.1:0"], timeout: 60)
        #expect(noToken.status != 0)
        #expect(noToken.stderr.contains("--tcp needs --token-file"))
    }

    @Test func connectionsAndLongRequestsInFlightAreBounded() throws {
        let daemon = try DaemonProcess(workers: 1)
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4))
        // Given one connection that opens more watch streams than allowed,
        let raw = try RawSocket(path: daemon.socketPath)
        let extra = 5
        for id in 0..<(ProtocolLimits.maxInFlightPerConnection + extra) {
            raw.send(#"{"jsonrpc":"2.0","id":\#(id),"method":"jobs.watch","params":{"id":\#(job.id)}}"# + "\n")
        }
        // then the extra ones are refused at once, and the others end when the job does (each
        // accepted watch also sends a `jobs.watching` notification, which is no reply).
        func nextReply() -> [String: Any]? {
            while let object = raw.readObject() {
                if object["method"] == nil { return object }
            }
            return nil
        }
        var overloaded = 0
        for _ in 0..<extra {
            let reply = nextReply()
            if (reply?["error"] as? [String: Any])?["code"] as? Int == RPCErrorCode.overloaded.rawValue { overloaded += 1 }
        }
        #expect(overloaded == extra)
        _ = try client.call(JobsCancel.self, JobID(id: job.id))
        let finals = (0..<ProtocolLimits.maxInFlightPerConnection).compactMap { _ in nextReply()?["result"] }
        #expect(finals.count == ProtocolLimits.maxInFlightPerConnection)

        // Connections beyond the limit get one error line and are closed; the daemon keeps serving.
        var sockets: [RawSocket] = []
        for _ in 0..<ProtocolLimits.maxConnections { sockets.append(try RawSocket(path: daemon.socketPath)) }
        Thread.sleep(forTimeInterval: 0.5)
        let beyond = try RawSocket(path: daemon.socketPath)
        #expect((beyond.readObject()?["error"] as? [String: Any])?["code"] as? Int == RPCErrorCode.overloaded.rawValue)
        sockets.removeAll()
        // The daemon notices the closed connections when it gets the CPU: on a loaded machine that
        // can take a while, so retry (a refused connection is the overload answer, not a failure).
        var status: JobStatus?
        let deadline = Date().addingTimeInterval(60)
        while status == nil && Date() < deadline {
            status = try? daemon.client().call(JobsGet.self, JobID(id: job.id)).status
            if status == nil { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(status == .cancelled)
        #expect(daemon.stop() == 0)
    }

    static func tcpPort(in log: String) -> Int? {
        guard let range = log.range(of: #"tcp=127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
        return Int(log[range].split(separator: ":").last ?? "")
    }
}

/// Raw lines over loopback TCP.
final class TCPLines {
    let fd: Int32
    var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func errorCode() -> Int? {
        while !buffer.contains(0x0A) {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            buffer += chunk[..<count]
        }
        let newline = buffer.firstIndex(of: 0x0A)!
        let line = Data(buffer[..<newline])
        buffer.removeSubrange(...newline)
        let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? Int
    }
}
