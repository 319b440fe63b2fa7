import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One worker child process and its two pipes. Requests are served one at a time on a private
/// serial queue with blocking I/O; a deadline kills the process, which ends the blocked read.
final class WorkerProcess: @unchecked Sendable {
    let id: Int
    let pid: pid_t
    private let toChild: Int32
    private let fromChild: Int32
    /// The worker's own thread: round trips block here, one at a time.
    let queue: DispatchQueue
    /// Requests answered (mutated only on `queue`).
    var served = 0
    private var reaped = false
    private let lock = NSLock()

    private init(id: Int, pid: pid_t, toChild: Int32, fromChild: Int32) {
        self.id = id
        self.pid = pid
        self.toChild = toChild
        self.fromChild = fromChild
        queue = DispatchQueue(label: "sizer.worker.\(id)")
    }

    enum SpawnError: Error, CustomStringConvertible {
        case failed(String)
        var description: String { if case .failed(let m) = self { return m }; return "" }
    }

    static func spawn(_ launch: WorkerLaunch, id: Int) throws -> WorkerProcess {
        let directory = "\(launch.workingDirectoryRoot)/worker-\(id)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard makePipe(&input) else { throw SpawnError.failed("pipe: \(String(cString: strerror(errno)))") }
        guard makePipe(&output) else {
            close(input[0]); close(input[1])
            throw SpawnError.failed("pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, directory + "/worker.log", O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var environment = ProcessInfo.processInfo.environment
        for (key, value) in launch.environment { environment[key] = value }
        environment["LC_ALL"] = "C"
        environment["HOME"] = directory
        environment["SIZER_WORKER_DIRECTORY"] = directory
        let argv = [launch.executable] + launch.arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }

        var pid: pid_t = 0
        let status = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in posix_spawn(&pid, launch.executable, &actions, nil, cArgv, cEnv) }
        }
        close(input[0])
        close(output[1])
        guard status == 0 else {
            close(input[1]); close(output[0])
            throw SpawnError.failed("cannot start worker '\(launch.executable)': \(String(cString: strerror(status)))")
        }
        return WorkerProcess(id: id, pid: pid, toChild: input[1], fromChild: output[0])
    }

    /// Sends one request and blocks until the answer, the deadline, or the process's death. Call it
    /// from `queue`, the worker's own thread, never from Swift concurrency's threads.
    func roundTrip(_ payload: [UInt8], timeout: Duration) -> WorkerReply {
        let deadline = RoundTripDeadline()
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
            // Only SIGKILL dependably stops a stuck parse or model loop.
            if deadline.expire() { Glibc.kill(pid, SIGKILL) }
        }
        let answer = Frames.write(payload, to: toChild) ? Frames.read(from: fromChild) : nil
        let expired = deadline.finish()
        if let answer, !expired { return .reply(answer, worker: id) }
        let exit = kill(waitForExit: true)
        return expired ? .timedOut(worker: id) : .crashed(exit, worker: id)
    }

    /// SIGKILLs the process (if still running), reaps it and closes the pipes.
    @discardableResult
    func kill(waitForExit: Bool) -> WorkerExit {
        lock.lock()
        defer { lock.unlock() }
        guard !reaped else { return .unknown }
        reaped = true
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        close(toChild)
        close(fromChild)
        guard result == pid else { return .unknown }
        // Decode the wait status by hand: the C macros are not imported.
        let signal = status & 0x7F
        return signal == 0 ? .exitCode((status >> 8) & 0xFF) : .signal(signal)
    }

    var residentBytes: Int { residentSetBytes(pid: pid) }
}

/// Whether a round trip finished before its deadline; decided exactly once.
private final class RoundTripDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var settled = false
    private var expired = false

    /// Called when the round trip ends; returns true if the deadline had already expired.
    func finish() -> Bool {
        lock.lock(); defer { lock.unlock() }
        settled = true
        return expired
    }

    /// Called at the deadline; returns true if the round trip was still pending (so kill it).
    func expire() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !settled else { return false }
        expired = true
        return true
    }
}

/// A pipe whose ends are not inherited by other children (the spawn's dup2 clears the flag on the copies).
private func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
