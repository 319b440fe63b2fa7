import Foundation
import SizerClient

/// The built `sizerd`, started in a scratch folder, for tests over a real socket and database.
public final class DaemonProcess: @unchecked Sendable {
    public let directory: String
    public let socketPath: String
    public let databasePath: String
    public let process: Process
    public let logPath: String

    /// Starts `sizerd` and waits until its socket accepts connections. `launcher` is a command that
    /// execs the rest of its arguments, put in front of `sizerd` (e.g. `prlimit --fsize=...  --`); it
    /// must exec, so that `process` is `sizerd` itself.
    public init(directory: String? = nil, workers: Int = 2, leaseSeconds: Double = 30,
                extraArguments: [String] = [], environment: [String: String] = [:], launcher: [String] = []) throws {
        self.directory = directory ?? TestPaths.temporaryDirectory("daemon")
        socketPath = self.directory + "/sizerd.sock"
        databasePath = self.directory + "/sizer.sqlite"
        logPath = self.directory + "/sizerd.log"
        process = Process()
        let arguments = ["--socket", socketPath, "--db", databasePath, "--workers", "\(workers)",
                         "--lease-seconds", "\(leaseSeconds)"] + extraArguments
        if let command = launcher.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(launcher.dropFirst()) + [TestPaths.executable("sizerd")] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: TestPaths.executable("sizerd"))
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["SIZER_HOME"] = TestPaths.repository
        for (key, value) in environment { env[key] = value }
        process.environment = env
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try waitForSocket()
    }

    private func waitForSocket() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning { throw ClientError("sizerd exited at start: \(log)") }
            if let client = try? SizerClient(socketPath: socketPath), (try? client.hello()) != nil { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ClientError("sizerd did not listen within 30 s: \(log)")
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func client() throws -> SizerClient {
        let client = try SizerClient(socketPath: socketPath)
        _ = try client.hello()
        return client
    }

    /// Sends a signal and waits up to `timeout` seconds for the exit status (nil if still running).
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 120) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// The built `sizer-agent serve`, for end-to-end tests.
public final class AgentProcess: @unchecked Sendable {
    public let process: Process
    public let logPath: String

    public init(socketPath: String, name: String, arguments: [String] = [], directory: String) throws {
        logPath = directory + "/\(name).log"
        process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.executable("sizer-agent"))
        process.arguments = ["serve", "--socket", socketPath, "--name", name, "--verbose"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["SIZER_HOME"] = TestPaths.repository
        process.environment = env
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 60) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Waits for the agent to exit by itself.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
