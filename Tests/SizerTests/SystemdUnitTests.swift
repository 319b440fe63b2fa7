import Foundation
import SizerTestSupport
import Testing
import SizerCore

/// The shipped units pass `systemd-analyze verify` (which reports problems on stderr even when it
/// exits 0), and sizerd tells systemd it is ready.
@Suite struct SystemdUnitTests {
    static let units = ["sizerd.service", "sizer-agent.service"]

    /// Both units in a scratch folder, with ExecStart pointing at the built binaries so verify can
    /// check them; `edit` changes the one named `unit`. Returns the path of `unit`.
    static func localCopy(_ unit: String, edit: (String) -> String = { $0 }) throws -> String {
        let directory = TestPaths.temporaryDirectory("units")
        for name in units {
            var text = try String(contentsOfFile: TestPaths.repository + "/deploy/systemd/" + name, encoding: .utf8)
            text = text.replacingOccurrences(of: "/usr/local/bin/", with: TestPaths.buildDirectory + "/")
            try (name == unit ? edit(text) : text).write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory + "/" + unit
    }

    static func verify(_ path: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        // The other unit (Requires=sizerd.service) is found in the same folder.
        process.environment = ["SYSTEMD_UNIT_PATH": (path as NSString).deletingLastPathComponent + ":",
                               "PATH": "/usr/bin:/bin"]
        process.arguments = ["verify", path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/systemd-analyze")),
          arguments: ["sizerd.service", "sizer-agent.service"])
    func unitsVerifyWithoutAnyComplaint(unit: String) throws {
        let result = try Self.verify(try Self.localCopy(unit))
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        // The check itself can fail: a misspelt directive is reported.
        let broken = try Self.verify(try Self.localCopy(unit) { $0.replacingOccurrences(of: "KillSignal=", with: "KilSignal=") })
        #expect(!broken.stderr.isEmpty)
    }

    @Test func sizerdSendsReadyToTheNotifySocket() throws {
        let directory = TestPaths.temporaryDirectory("notify")
        let path = directory + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        let address = try #require(UnixSocketAddress(path: path))
        try #require(address.withSockaddr { bind(fd, $0, $1) } == 0)
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let daemon = try DaemonProcess(workers: 1, environment: ["NOTIFY_SOCKET": path])
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        let message = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        #expect(message.contains("READY=1"))
        #expect(daemon.stop() == 0)
        let stoppingCount = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        let stopping = stoppingCount > 0 ? String(decoding: buffer[..<stoppingCount], as: UTF8.self) : ""
        #expect(stopping.contains("STOPPING=1"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/systemd-analyze")))
    func sizerdExposureIsAtMostThree() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["security", "--offline=yes", try Self.localCopy("sizerd.service")]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let number = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let exposure = try #require(number, "\(line)")
        #expect(exposure <= 3.0, "\(line)")
    }
}
