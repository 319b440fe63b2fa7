import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SizerTestSupport
import Testing

/// Feeds a real daemon 100,000+ seeded, mostly malformed lines and checks that it answers each one
/// exactly as docs/protocol.md says (and Sources/Daemon/Dispatcher.swift does), stays up, and leaves
/// a sound database.
///
/// Which lines are answered (LineFramer, RPCServer.serve, Dispatcher.prepare):
/// - a line over 1 MiB (not counting `\n`): one `-32700` with `id` null, whatever it holds;
/// - a line of only spaces and tabs (after one trailing `\r` is dropped): nothing;
/// - anything else that is not JSON, or JSON that is not an object: one error, `id` null;
/// - an object whose envelope is wrong (`jsonrpc`, `method`, `id` type, non-object `params`):
///   one error, with the id if it is an integer or a string, else null;
/// - a well-formed request with `id` (integer, string or null): one answer echoing the id;
/// - a well-formed notification (no `id` key): nothing, whatever the method or params.
@Suite(.serialized) struct ProtocolFuzzTests {
    static let seed: UInt64 = 0x5EED_F022
    static let connections = 4
    /// 25,000 per connection; SIZER_FUZZ_MESSAGES overrides the total (for a quick local run).
    static let messagesPerConnection = (Int(ProcessInfo.processInfo.environment["SIZER_FUZZ_MESSAGES"] ?? "") ?? 100_000) / connections

    @Test func seededGarbageIsAnsweredLineByLineAndLeavesTheDaemonSound() throws {
        let daemon = try DaemonProcess(workers: 1)
        let start = ContinuousClock.now
        let runs = (0..<Self.connections).map { index in
            FuzzConnectionRun(path: daemon.socketPath, index: index, messages: Self.messagesPerConnection,
                              seed: Self.seed &+ UInt64(index) &* 0x9E37_79B9)
        }
        let group = DispatchGroup()
        for run in runs {
            group.enter()
            Thread.detachNewThread {
                run.execute()
                group.leave()
            }
        }
        let finished = group.wait(timeout: .now() + 600) == .success
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        #expect(finished, "the fuzz connections did not finish within 10 minutes")

        var messages = 0, expectedAnswers = 0, answers = 0
        for run in runs {
            let report = run.report()
            messages += report.messages
            expectedAnswers += report.expectedAnswers
            answers += report.answers
            #expect(report.failures.isEmpty, "connection \(run.index): \(report.failures.prefix(10).map(\.debugDescription))")
            #expect(report.answers == report.expectedAnswers,
                    "connection \(run.index): \(report.answers) answers for \(report.expectedAnswers) answerable lines")
            #expect(report.reachedEOF, "connection \(run.index): the daemon did not close after the half-close")
        }
        let rate = Double(messages) / max(seconds, 1e-9)
        print("protocol fuzz: \(messages) messages over \(Self.connections) connections in "
              + String(format: "%.1f s (%.0f lines/s), %d answers (%d expected)", seconds, rate, answers, expectedAnswers))
        print("protocol fuzz: kinds \(runs.map { $0.report().kinds }.reduce(into: [String: Int]()) { $0.merge($1, uniquingKeysWith: +) }.sorted { $0.key < $1.key })")
        #expect(messages >= Self.messagesPerConnection * Self.connections)

        // The daemon survived every line and still serves a normal client.
        #expect(daemon.process.isRunning, "sizerd died: \(daemon.log.suffix(2000))")
        let client = try daemon.client()
        let hello = try client.hello()
        #expect(hello.protocolVersion == ProtocolLimits.version)
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4, groupSize: 2, seed: 7))
        #expect(job.status == .queued)
        let fetched = try client.call(JobsGet.self, JobID(id: job.id))
        #expect(fetched.id == job.id)
        #expect(fetched.budget == 4 && fetched.seed == 7 && fetched.circuit == "ota_l1")
        // No -32603 answers, and no errors logged (notifications are not answered, but their
        // internal errors are logged), apart from the known bug of policiesSaveWithNegativeSimulations.
        let known = "CHECK constraint failed: simulations >= 0"
        let internalErrors = runs.flatMap { $0.report().internalErrors }
        #expect(internalErrors.allSatisfy { $0.contains(known) }, "internal errors: \(internalErrors.prefix(5))")
        let loggedErrors = daemon.log.split(separator: "\n").filter { $0.contains(" error sizerd:") && !$0.contains(known) }
        #expect(loggedErrors.isEmpty, "errors logged: \(loggedErrors.prefix(5))")
        print("protocol fuzz: \(internalErrors.count) answers were -32603 for policies.save with negative simulations")
        #expect(daemon.stop() == 0)
        #expect(try Sqlite3.query(daemon.databasePath, "PRAGMA integrity_check") == "ok")
    }

    /// JSON-RPC 2.0 §4.1: a notification is never answered, "not even an error" (docs/protocol.md,
    /// Framing). `params` as an array is a well-formed (by-position) notification, yet sizerd answers
    /// it with -32602 and `id` null (Dispatcher.prepare checks params before looking at the id).
    /// (Fixed: a notification is never answered.)
    @Test func aNotificationWithArrayParamsGetsNoAnswer() throws {
        let daemon = try DaemonProcess(workers: 1)
        let socket = try FuzzSocket(path: daemon.socketPath, receiveTimeout: 10)
        let reader = FuzzReader(socket: socket)
        let thread = Thread { reader.run() }
        thread.start()
        socket.send(Array((#"{"jsonrpc":"2.0","method":"jobs.list","params":[1]}"# + "\n"
                           + #"{"jsonrpc":"2.0","id":"after","method":"jobs.list","params":{"limit":1}}"# + "\n").utf8))
        socket.shutdownWrite()
        #expect(reader.waitForEOF(timeout: 20))
        #expect(reader.keys == ["s:after"])
        #expect(reader.keys.last == "s:after")
        #expect(daemon.stop() == 0)
    }
}

extension ProtocolFuzzTests {
    /// Found by the fuzz test: `policies.save` does not check `simulations`, so a negative count
    /// reaches SQLite's CHECK constraint and is answered -32603 (internal error, logged as a
    /// database error) instead of -32602. (Fixed: the daemon validates it.)
    @Test func policiesSaveWithNegativeSimulationsIsInvalidParams() throws {
        let daemon = try DaemonProcess(workers: 1)
        let raw = try RawSocket(path: daemon.socketPath)
        let save = #"{"jsonrpc":"2.0","id":1,"method":"policies.save","params":{"circuit":"ota_l1","algorithm":"fuzz","#
            + #""spec_hash":"0","feature_version":1,"simulations":%@,"seed":1,"code_version":"x","checkpoint":"{}"}}"#
        #expect(raw.errorCode(for: save.replacingOccurrences(of: "%@", with: "1")) == nil)
        let code = raw.errorCode(for: save.replacingOccurrences(of: "%@", with: "-1"))
        #expect(code != nil)
        #expect(code == RPCErrorCode.invalidParams.rawValue)
        #expect(daemon.stop() == 0)
    }
}

// MARK: - One connection: a writer (this thread) and a reader (its own thread)

/// What the daemon must answer a line with.
enum FuzzExpectation {
    /// No answer at all (blank lines, well-formed notifications).
    case none
    /// One answer with exactly this id key ("null", "n:42" or "s:text").
    case exact(String)
    /// One answer, with this id key or null: the line may or may not parse (nesting deeper than the
    /// decoder allows, number literals beyond Double, lone surrogates, raw bytes in strings).
    case ownOrNull(String)
}

final class FuzzConnectionRun: @unchecked Sendable {
    struct Report {
        var messages = 0
        var expectedAnswers = 0
        var answers = 0
        var reachedEOF = false
        var failures: [String] = []
        var internalErrors: [String] = []
        var kinds: [String: Int] = [:]
    }

    let path: String
    let index: Int
    let messages: Int
    let seed: UInt64
    private let lock = NSLock()
    private var result = Report()

    init(path: String, index: Int, messages: Int, seed: UInt64) {
        self.path = path
        self.index = index
        self.messages = messages
        self.seed = seed
    }

    func report() -> Report { lock.withLock { result } }

    func execute() {
        var report = Report()
        defer { lock.withLock { result = report } }
        let socket: FuzzSocket
        do { socket = try FuzzSocket(path: path, receiveTimeout: 30) } catch {
            report.failures.append("cannot connect: \(error)")
            return
        }
        let reader = FuzzReader(socket: socket)
        let readerThread = Thread { reader.run() }
        readerThread.stackSize = 8 << 20
        readerThread.start()

        var generator = FuzzGenerator(seed: seed, connection: index)
        var expectations: [FuzzExpectation] = []
        expectations.reserveCapacity(messages + 4)
        var pending: [UInt8] = []
        pending.reserveCapacity(1 << 17)
        func queue(_ line: FuzzLine) {
            expectations.append(line.expectation)
            report.kinds[line.kind, default: 0] += 1
            pending += line.bytes
            if pending.count >= 1 << 16 {
                socket.send(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        // Fixed edge cases first: the line-length limit, exactly at and just past it.
        if index == 0 {
            for line in generator.lengthLimitLines() { queue(line) }
        }
        while expectations.count < messages - 1 {
            queue(generator.next())
        }
        // The last line has no newline: the daemon still reads it once the write side is shut.
        var last = generator.request(method: JobsGet.name, params: .object([("id", .int(1))]), kind: "last-without-newline")
        last.bytes.removeLast()
        queue(last)
        socket.send(pending)
        socket.shutdownWrite()
        report.messages = expectations.count

        guard reader.waitForEOF(timeout: 300) else {
            report.failures.append("no EOF from the daemon within 300 s (got \(reader.keys.count) answers)")
            report.answers = reader.keys.count
            return
        }
        report.reachedEOF = reader.sawEOF
        report.failures += reader.failures
        report.internalErrors = reader.internalErrors
        report.answers = reader.keys.count

        // Match answers to lines: every non-null id at most once and only if sent; nulls fill the rest.
        var exact: [String: Int] = [:], optional: [String: Int] = [:]
        var expectedNulls = 0
        for expectation in expectations {
            switch expectation {
            case .none: break
            case .exact("null"): expectedNulls += 1; report.expectedAnswers += 1
            case .exact(let key): exact[key, default: 0] += 1; report.expectedAnswers += 1
            case .ownOrNull(let key): optional[key, default: 0] += 1; report.expectedAnswers += 1
            }
        }
        var nullAnswers = 0
        for key in reader.keys {
            if key == "null" { nullAnswers += 1; continue }
            if let count = exact[key], count > 0 {
                exact[key] = count - 1
            } else if let count = optional[key], count > 0 {
                optional[key] = count - 1
            } else if report.failures.count < 50 {
                report.failures.append("an answer with id \(key) that no line asked for (or a second one)")
            }
        }
        let unanswered = exact.filter { $0.value > 0 }
        if !unanswered.isEmpty {
            report.failures.append("\(unanswered.count) requests got no answer with their id, e.g. \(unanswered.keys.sorted().prefix(5))")
        }
        let nullable = expectedNulls + optional.values.reduce(0, +)
        if nullAnswers != nullable {
            report.failures.append("\(nullAnswers) answers with id null; expected \(nullable)")
        }
    }
}

/// Reads answer lines until EOF and checks each is one JSON object with `result` or `error`.
final class FuzzReader: @unchecked Sendable {
    let socket: FuzzSocket
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var _keys: [String] = []
    private var _failures: [String] = []
    private var _sawEOF = false
    private var _internalErrors: [String] = []

    init(socket: FuzzSocket) { self.socket = socket }

    var keys: [String] { lock.withLock { _keys } }
    var failures: [String] { lock.withLock { _failures } }
    var sawEOF: Bool { lock.withLock { _sawEOF } }
    /// Messages of -32603 answers (checked by the test, which knows which ones are known bugs).
    var internalErrors: [String] { lock.withLock { _internalErrors } }

    func waitForEOF(timeout: Double) -> Bool { done.wait(timeout: .now() + timeout) == .success }

    func run() {
        defer { done.signal() }
        var buffer: [UInt8] = []
        var start = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                lock.withLock {
                    if count < 0 { _failures.append("recv failed: \(String(cString: strerror(errno))) (timeout?)") }
                    if start < buffer.count { _failures.append("a partial answer line at EOF") }
                    _sawEOF = count == 0
                }
                return
            }
            buffer += chunk[..<count]
            var searchFrom = max(start, buffer.count - count)
            while let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                check(Data(buffer[start..<newline]))
                start = newline + 1
                searchFrom = start
            }
            if start > 1 << 20 {
                buffer.removeSubrange(..<start)
                start = 0
            }
        }
    }

    private func check(_ line: Data) {
        // JSONDecoder, not JSONSerialization: the latter drops U+FEFF after a NUL in a string.
        guard let answer = try? JSONDecoder().decode(FuzzAnswer.self, from: line) else {
            fail("not a JSON object with a readable error: \(String(decoding: line.prefix(200), as: UTF8.self))")
            return
        }
        if answer.hasMethod, answer.key == nil {
            fail("an unexpected notification: \(String(decoding: line.prefix(200), as: UTF8.self))")
            return
        }
        if answer.hasResult == (answer.error != nil) || answer.jsonrpc != "2.0" {
            fail("not a response with exactly one of result and error: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        if let error = answer.error, error.code == RPCErrorCode.internalError.rawValue {
            lock.withLock { _internalErrors.append(error.message) }
        }
        guard let key = answer.key else {
            fail("a response without an integer, string or null id: \(String(decoding: line.prefix(200), as: UTF8.self))")
            return
        }
        lock.withLock { _keys.append(key) }
    }

    private func fail(_ message: String) {
        lock.withLock { if _failures.count < 50 { _failures.append(message) } }
    }
}

/// A raw Unix-socket connection: blocking sends, a receive timeout, a half-close.
final class FuzzSocket: @unchecked Sendable {
    let fd: Int32

    init(path: String, receiveTimeout: Int) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let result = UnixSocketAddress(path: path)?.withSockaddr { connect(fd, $0, $1) } ?? -1
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }
}

/// The parts of an answer line the reader checks; `result` itself is not decoded.
struct FuzzAnswer: Decodable {
    enum Keys: String, CodingKey { case id, jsonrpc, result, error, method }
    struct ErrorBody: Decodable {
        var code: Int
        var message: String
    }

    /// "null", "n:<integer>" or "s:<string>"; nil when `id` is missing or of another type.
    var key: String?
    var jsonrpc: String?
    var hasResult: Bool
    var hasMethod: Bool
    var error: ErrorBody?

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if !container.contains(.id) {
            key = nil
        } else if try container.decodeNil(forKey: .id) {
            key = "null"
        } else if let number = try? container.decode(Int64.self, forKey: .id) {
            key = "n:\(number)"
        } else if let text = try? container.decode(String.self, forKey: .id) {
            key = "s:" + text
        } else {
            key = nil
        }
        jsonrpc = try? container.decode(String.self, forKey: .jsonrpc)
        hasResult = container.contains(.result)
        hasMethod = container.contains(.method)
        error = try container.decodeIfPresent(ErrorBody.self, forKey: .error)
    }
}

// MARK: - Generating lines

/// A JSON value written by hand, so lines can hold what JSONEncoder never writes.
indirect enum FuzzJSON {
    case null
    case bool(Bool)
    case int(Int64)
    /// A number as written, e.g. 1e309 or 123456789012345678901234567890 (may not parse).
    case literal(String)
    case string(String)
    /// Written as is: lone surrogate escapes, raw bytes.
    case raw([UInt8])
    case array([FuzzJSON])
    case object([(String, FuzzJSON)])

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .literal(let text): out.append(contentsOf: text.utf8)
        case .string(let text): Self.writeString(text, into: &out)
        case .raw(let bytes): out += bytes
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (position, pair) in pairs.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(pair.0, into: &out)
                out.append(UInt8(ascii: ":"))
                pair.1.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0..<0x20: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    static func nested(depth: Int, leaf: FuzzJSON = .int(1)) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(depth * 6 + 8)
        let open: [UInt8] = Array("[".utf8), key: [UInt8] = Array("{\"a\":".utf8)
        for level in 0..<depth { out.append(contentsOf: level % 2 == 0 ? open : key) }
        leaf.write(into: &out)
        for level in (0..<depth).reversed() { out.append(level % 2 == 0 ? UInt8(ascii: "]") : UInt8(ascii: "}")) }
        return out
    }
}

struct FuzzLine {
    var bytes: [UInt8]
    var expectation: FuzzExpectation
    var kind: String
}

/// Seeded line generator; every choice comes from one SplitMix64 per connection.
struct FuzzGenerator {
    var rng: SplitMix64
    let connection: Int
    private var counter: Int64 = 0

    /// Methods that run beside later requests and may simulate or wait: always sent with params
    /// that fail to decode, each keyed by a required field and a value of the wrong type.
    static let longRunning: [String: String] = [
        Eval.name: "designs", JobsWatch.name: "id", JobsReplay.name: "id", AgentClaim.name: "agent",
        AgentEvaluate.name: "candidates",
    ]

    init(seed: UInt64, connection: Int) {
        rng = SplitMix64(seed: seed)
        self.connection = connection
    }

    // MARK: Random helpers

    mutating func int(_ range: Range<Int>) -> Int { Int(rng.next() % UInt64(range.count)) + range.lowerBound }
    mutating func chance(_ probability: Double) -> Bool { rng.nextUnit() < probability }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

    /// A length, log-uniform in `range`.
    mutating func logLength(_ range: ClosedRange<Int>) -> Int {
        let low = log(Double(range.lowerBound)), high = log(Double(range.upperBound))
        return min(range.upperBound, Int(exp(low + rng.nextUnit() * (high - low))))
    }

    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789_.-/ \"\\{}[]:,".unicodeScalars)
    static let exotic: [String] = ["\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "é", "e\u{301}", "\u{2028}", "\u{FEFF}", "\u{FFFD}",
                                   "😀", "👩‍👩‍👧", "中文", "\u{10FFFF}", "../../etc/passwd", "'; DROP TABLE jobs; --", "%s%n",
                                   "\\u0000", "NaN", "null", "true"]

    mutating func text(maxLength: Int = 24) -> String {
        var text = ""
        for _ in 0..<int(0..<(maxLength + 1)) {
            if chance(0.1) { text += pick(Self.exotic) } else { text.unicodeScalars.append(pick(Self.alphabet)) }
        }
        return text
    }

    mutating func longText() -> String {
        String(repeating: pick(["x", "é", "\u{0}", "😀", "\\", "\""]), count: logLength(1_000...60_000))
    }

    /// Numbers that are awkward: extremes, negatives, zero, beyond Double's integers.
    mutating func awkwardInteger() -> FuzzJSON {
        .int(pick([0, -1, 1, -9_007_199_254_740_993, 9_007_199_254_740_993, Int64.max, Int64.min, Int64(Int32.max) + 1,
                   Int64(Int32.min) - 1, 100_000, 100_001, 10_000, 10_001, 256, 257, 301, -300]))
    }

    /// A number literal that may not parse, or parses to something no field accepts.
    mutating func awkwardLiteral() -> FuzzJSON {
        .literal(pick(["1e309", "-1e309", "1e-400", "-0", "0.0", "2.5", "-0.0000001", "123456789012345678901234567890",
                       "-99999999999999999999", "9223372036854775808", "-9223372036854775809", "1E2", "4.9e-324",
                       "1.7976931348623157e308"]))
    }

    /// NaN-like and huge numbers written as strings.
    mutating func numericString() -> FuzzJSON {
        .string(pick(["NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1", "0x10", "1_000", "", " 1", "1 ", "+1",
                      "99999999999999999999999", "-0", "١٢٣"]))
    }

    /// A random value; `parseable` keeps it to values that certainly parse (for notifications).
    mutating func value(depth: Int = 0, parseable: Bool = false) -> (FuzzJSON, certain: Bool) {
        let roll = int(0..<(depth > 2 ? 9 : 11))
        switch roll {
        case 0: return (.null, true)
        case 1: return (.bool(chance(0.5)), true)
        case 2: return (awkwardInteger(), true)
        case 3: return parseable ? (.int(Int64(int(-5..<5))), true) : (awkwardLiteral(), false)
        case 4: return (numericString(), true)
        case 5: return (.string(text()), true)
        case 6: return (.string(chance(0.05) ? longText() : text(maxLength: 4)), true)
        case 7:
            if parseable { return (.object([]), true) }
            // A lone surrogate, or raw invalid UTF-8 / NUL inside a string.
            return (.raw(pick([Array(#""\ud800""#.utf8), Array(#""\udfff\ud800x""#.utf8), [0x22, 0xFF, 0xFE, 0x22],
                               [0x22, 0xC3, 0x22], [0x22, 0x00, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]])), false)
        case 8: return (.object([]), true)
        case 9:
            var items: [FuzzJSON] = []
            var certain = true
            for _ in 0..<int(0..<4) {
                let (item, sure) = value(depth: depth + 1, parseable: parseable)
                items.append(item)
                certain = certain && sure
            }
            return (.array(items), certain)
        default:
            var pairs: [(String, FuzzJSON)] = []
            var certain = true
            for _ in 0..<int(0..<4) {
                let (item, sure) = value(depth: depth + 1, parseable: parseable)
                pairs.append((text(maxLength: 8), item))
                certain = certain && sure
            }
            return (.object(pairs), certain)
        }
    }

    // MARK: Ids

    /// A fresh id that the daemon must echo: integers (extremes included) or strings.
    mutating func freshID() -> (FuzzJSON, key: String) {
        counter += 1
        let base = Int64(connection + 1) * 1_000_000_000
        switch counter {
        case 1: return (.int(Int64.max - Int64(connection)), "n:\(Int64.max - Int64(connection))")
        case 2: return (.int(Int64.min + Int64(connection)), "n:\(Int64.min + Int64(connection))")
        default: break
        }
        switch int(0..<4) {
        case 0: return (.int(base + counter), "n:\(base + counter)")
        case 1: return (.int(-(base + counter)), "n:\(-(base + counter))")
        case 2:
            let id = "c\(connection)-\(counter)"
            return (.string(id), "s:" + id)
        default:
            let id = "c\(connection)-\(counter)|" + text(maxLength: 6)
            return (.string(id), "s:" + id)
        }
    }

    /// An id of a type JSON-RPC does not allow: answered with id null.
    mutating func invalidID() -> FuzzJSON {
        pick([.bool(true), .bool(false), .literal("1.5"), .literal("-2.25"), .object([]), .array([]), .array([.int(1)]),
              .object([("id", .int(1))]), .literal("1e30"), .literal("99999999999999999999")])
    }

    // MARK: Params

    mutating func validParams(_ method: String) -> [(String, FuzzJSON)] {
        let job = FuzzJSON.int(Int64(int(1..<40)))
        switch method {
        case Hello.name: return [("protocol_version", .int(1)), ("client", .string("fuzz"))]
        case CircuitsList.name: return []
        case CircuitsDescribe.name: return [("circuit", .string(pick(["ota_l1", "two_stage", "nope"])))]
        case CircuitsTargets.name:
            // A valid split answers 50 or 200 targets (milliseconds each in a debug build): mostly invalid.
            return [("circuit", .string(pick(["ota_l1", "ldo"]))), ("split", .string(pick(["test", "dev", "TRAIN", ""])))]
        case JobsSubmit.name:
            return [("circuit", .string("ota_l1")), ("optimizer", .string(pick(OptimizerNames.all))),
                    ("budget", .int(Int64(int(1..<20)))), ("group_size", .int(Int64(int(1..<4)))), ("seed", .int(1))]
        case JobsGet.name, JobsCancel.name, JobsHistory.name: return [("id", job)]
        case JobsList.name: return [("status", .string(pick(["queued", "done", "running"]))), ("limit", .int(Int64(int(1..<6))))]
        case AgentHeartbeat.name: return [("job_id", job), ("token", .string(text(maxLength: 10)))]
        case AgentFinish.name:
            return [("job_id", job), ("token", .string(text(maxLength: 10))), ("status", .string(pick(["done", "failed", "queued"])))]
        case PoliciesSave.name:
            return [("circuit", .string("ota_l1")), ("algorithm", .string("fuzz")), ("spec_hash", .string("0")),
                    ("feature_version", .int(1)), ("simulations", .int(1)), ("seed", .int(1)), ("code_version", .string("fuzz")),
                    ("checkpoint", .string("{}"))]
        case PoliciesGet.name: return chance(0.5) ? [("id", job)] : [("circuit", .string("ota_l1")), ("algorithm", .string("fuzz"))]
        case Eval.name:
            return [("circuit", .string("ota_l1")), ("designs", .array([.object([("w1", .int(10))])]))]
        case JobsWatch.name, JobsReplay.name: return [("id", job)]
        case AgentClaim.name: return [("agent", .string("fuzz")), ("wait_seconds", .int(0))]
        case AgentEvaluate.name:
            return [("job_id", job), ("token", .string("t")), ("turn", .int(0)), ("candidates", .array([.array([.int(0)])]))]
        default: return [(text(maxLength: 6), .int(1))]
        }
    }

    /// Mutates params: drops keys, retypes values, adds unknown or camelCase twins of known keys,
    /// nests deeply, makes strings long. Returns whether the result certainly parses.
    mutating func mutate(_ pairs: inout [(String, FuzzJSON)], parseable: Bool) -> Bool {
        var certain = true
        for _ in 0..<int(0..<4) {
            switch int(0..<9) {
            case 0 where !pairs.isEmpty: pairs.remove(at: int(0..<pairs.count))
            case 1 where !pairs.isEmpty:
                let (replacement, sure) = value(parseable: parseable)
                pairs[int(0..<pairs.count)].1 = replacement
                certain = certain && sure
            case 2 where !pairs.isEmpty: pairs[int(0..<pairs.count)].1 = chance(0.5) ? awkwardInteger() : numericString()
            case 3 where !pairs.isEmpty && !parseable:
                pairs[int(0..<pairs.count)].1 = awkwardLiteral()
                certain = false
            case 4:
                let (extra, sure) = value(parseable: parseable)
                pairs.append((chance(0.5) ? text(maxLength: 10) : pick(["jobId", "groupSize", "protocolVersion", "waitSeconds",
                                                                        "ID", "Id", "id", "params", "jsonrpc", "", "__proto__"]), extra))
                certain = certain && sure
            case 5:
                // Nesting: shallow enough to parse for sure, or past sizerd's limit (64 levels),
                // which refuses the line before decoding it (answered with id null).
                let depth = parseable ? int(1..<60) : pick([2, 10, 50, 100, 150, 300, 512, 513, 600, 1_000, 5_000, 10_000])
                pairs.append(("deep", .raw(FuzzJSON.nested(depth: depth))))
                if depth > 50 { certain = false }
            case 6 where !pairs.isEmpty: pairs[int(0..<pairs.count)].1 = .string(longText())
            case 7: pairs.append(("extra", .array((0..<int(0..<50)).map { _ in .int(Int64(int(0..<1000))) })))
            default: pairs.shuffle(using: &rng)
            }
        }
        return certain
    }

    /// Long-running methods must fail to decode: a required field gets a value of the wrong type.
    func disarm(method: String, pairs: inout [(String, FuzzJSON)]) {
        guard let field = Self.longRunning[method] else { return }
        pairs.removeAll { $0.0 == field }
        pairs.append((field, .array([.bool(true)])))
    }

    mutating func methodName() -> String {
        switch int(0..<20) {
        case 0: return text(maxLength: 16)
        case 1: return pick(["", " ", "jobs.get ", "JOBS.GET", "jobs.", ".get", "jobs..get", "jobs.get\u{0}", "rpc.discover",
                             "hello\n", "constructor", "__proto__", "jobs/get", "jobs.turn"])
        case 2: return String(repeating: "m", count: logLength(100...20_000))
        default: return pick(MethodNames.all)
        }
    }

    // MARK: Lines

    mutating func line(_ object: [(String, FuzzJSON)], expectation: FuzzExpectation, kind: String) -> FuzzLine {
        var bytes = FuzzJSON.object(object).bytes
        if chance(0.05) { bytes = Array(pick(["  ", "\t", " \t "]).utf8) + bytes + Array(pick([" ", "\t", ""]).utf8) }
        bytes += chance(0.2) ? [0x0D, 0x0A] : [0x0A]
        return FuzzLine(bytes: bytes, expectation: expectation, kind: kind)
    }

    mutating func request(method: String, params: FuzzJSON?, kind: String, certain: Bool = true) -> FuzzLine {
        let (id, key) = freshID()
        var object: [(String, FuzzJSON)] = [("jsonrpc", .string("2.0")), ("id", id), ("method", .string(method))]
        if let params { object.append(("params", params)) }
        object.shuffle(using: &rng)
        return line(object, expectation: certain ? .exact(key) : .ownOrNull(key), kind: kind)
    }

    mutating func next() -> FuzzLine {
        let roll = rng.nextUnit()
        switch roll {
        case ..<0.30: return fuzzedRequest()
        case ..<0.40: return notification()
        case ..<0.54: return badEnvelope()
        case ..<0.68: return truncated()
        case ..<0.78: return randomBytes()
        case ..<0.85: return blank()
        case ..<0.89: return whitespaceThatIsNotBlank()
        case ..<0.95: return shapes()
        case ..<0.99: return requestWithNullID()
        case ..<0.99995: return fuzzedRequest()
        default: return overLimit()
        }
    }

    /// A request with an id: a method (mostly real), its params mutated, or replaced by a non-object.
    mutating func fuzzedRequest() -> FuzzLine {
        let method = methodName()
        var pairs = validParams(method)
        var certain = chance(0.15) ? true : mutate(&pairs, parseable: false)
        disarm(method: method, pairs: &pairs)
        let params: FuzzJSON?
        switch int(0..<20) {
        case 0: params = nil
        case 1: params = .null
        case 2: params = .array([.object(pairs)])
        case 3: params = pick([.string("{}"), .int(1), .bool(true), .array([])])
        case 4:
            params = .raw(FuzzJSON.nested(depth: pick([2_000, 10_000])))
            certain = false
        default: params = .object(pairs)
        }
        return request(method: method, params: params, kind: "request", certain: certain)
    }

    /// A request whose id is null: answered with id null.
    mutating func requestWithNullID() -> FuzzLine {
        let method = methodName()
        var pairs = validParams(method)
        _ = mutate(&pairs, parseable: false)
        disarm(method: method, pairs: &pairs)
        var object: [(String, FuzzJSON)] = [("jsonrpc", .string("2.0")), ("id", .null), ("method", .string(method)), ("params", .object(pairs))]
        object.shuffle(using: &rng)
        return line(object, expectation: .exact("null"), kind: "null-id")
    }

    /// A well-formed notification: never answered, whatever the method and (object) params do.
    mutating func notification() -> FuzzLine {
        let method = methodName()
        var pairs = validParams(method)
        _ = mutate(&pairs, parseable: true)
        disarm(method: method, pairs: &pairs)
        var object: [(String, FuzzJSON)] = [("jsonrpc", .string("2.0")), ("method", .string(method))]
        // Params left out, null, or an object. (An array is left out: see aNotificationWithArrayParamsGetsNoAnswer.)
        switch int(0..<6) {
        case 0: break
        case 1: object.append(("params", .null))
        default: object.append(("params", .object(pairs)))
        }
        if chance(0.2) { object.append(("extra", .string(text()))) }
        object.shuffle(using: &rng)
        return line(object, expectation: .none, kind: "notification")
    }

    /// An object that is not a well-formed request: answered once, with its id when that is usable.
    mutating func badEnvelope() -> FuzzLine {
        var object: [(String, FuzzJSON)] = []
        var idKey: String? = "null"
        switch int(0..<4) {
        case 0: break  // no id: still answered, the envelope is wrong
        case 1: object.append(("id", invalidID()))
        default:
            let (id, key) = freshID()
            object.append(("id", id))
            idKey = key
        }
        var method: FuzzJSON = .string(pick(MethodNames.all))
        var jsonrpc: FuzzJSON? = .string("2.0")
        var params: FuzzJSON? = .object(validParams(JobsList.name))
        var broken = false
        while !broken {
            if chance(0.4) { jsonrpc = pick([nil, .string("1.0"), .string("2"), .literal("2.0"), .null, .string("2.0 ")]); broken = true }
            if chance(0.4) { method = pick([.int(1), .null, .array([.string("hello")]), .object([]), .bool(true)]); broken = true }
            if chance(0.4), object.contains(where: { $0.0 == "id" }) {
                params = pick([.array([.int(1)]), .array([]), .string("{}"), .int(0), .bool(false)])
                broken = true
            }
        }
        if let jsonrpc { object.append(("jsonrpc", jsonrpc)) }
        if case .null = method, chance(0.5) {} else { object.append(("method", method)) }
        if let params { object.append(("params", params)) }
        object.shuffle(using: &rng)
        // An invalid id is answered with null; so is a missing one.
        if case .some(let key) = idKey, object.contains(where: { $0.0 == "id" }), key != "null" {
            return line(object, expectation: .exact(key), kind: "bad-envelope")
        }
        return line(object, expectation: .exact("null"), kind: "bad-envelope")
    }

    /// A well-formed request cut short (never a valid JSON text: the closing brace is gone).
    mutating func truncated() -> FuzzLine {
        let method = pick(MethodNames.all)
        var pairs = validParams(method)
        disarm(method: method, pairs: &pairs)
        var object: [(String, FuzzJSON)] = [("jsonrpc", .string("2.0")), ("id", freshID().0), ("method", .string(method)),
                                            ("params", .object(pairs))]
        if chance(0.3) { object.removeAll { $0.0 == "id" } }
        let full = FuzzJSON.object(object).bytes
        let cut = int(1..<full.count)
        return FuzzLine(bytes: Array(full[..<cut]) + (chance(0.2) ? [0x0D, 0x0A] : [0x0A]), expectation: .exact("null"),
                        kind: "truncated")
    }

    /// Random bytes (NUL, invalid UTF-8, control characters), never starting like an object.
    mutating func randomBytes() -> FuzzLine {
        let count = logLength(1...4_000)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 2)
        let starters: [UInt8] = [0x00, 0x01, 0x22, 0x5B, 0x5D, 0x7D, 0x31, 0x2D, 0x74, 0x6E, 0x80, 0xC0, 0xFE, 0xFF, 0x7F, 0x0B, 0x0C]
        bytes.append(pick(starters))
        for _ in 1..<count {
            var byte = UInt8(truncatingIfNeeded: rng.next())
            if byte == 0x0A { byte = 0x00 }
            bytes.append(byte)
        }
        bytes += chance(0.2) ? [0x0D, 0x0A] : [0x0A]
        return FuzzLine(bytes: bytes, expectation: .exact("null"), kind: "random-bytes")
    }

    /// Lines of only spaces and tabs (with CRLF or not), and empty lines: never answered.
    mutating func blank() -> FuzzLine {
        let body = pick(["", " ", "\t", "   ", " \t \t", String(repeating: " ", count: 5_000)])
        return FuzzLine(bytes: Array(body.utf8) + (chance(0.3) ? [0x0D, 0x0A] : [0x0A]), expectation: .none, kind: "blank")
    }

    /// Whitespace the daemon does not treat as blank: parse errors with id null.
    mutating func whitespaceThatIsNotBlank() -> FuzzLine {
        let body = pick(["\r\r", " \r ", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2028}", "\u{0}", " \r\t"])
        return FuzzLine(bytes: Array(body.utf8) + [0x0A], expectation: .exact("null"), kind: "odd-whitespace")
    }

    /// JSON that is not a request: empty objects, arrays, scalars, batches.
    mutating func shapes() -> FuzzLine {
        let body: [UInt8]
        switch int(0..<10) {
        case 0: body = Array("{}".utf8)
        case 1: body = Array("[]".utf8)
        case 2: body = Array(#"{"jsonrpc":"2.0"}"#.utf8)
        case 3: body = Array(#"[{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol_version":1}}]"#.utf8)
        case 4: body = Array(pick(["null", "true", "0", "-1", "\"hello\"", "1e309", "[[[]]]"]).utf8)
        case 5: body = Array(#"{"jsonrpc":"2.0","id":1,"method":"hello"} trailing"#.utf8)
        case 6: body = Array(#"{"jsonrpc":"2.0","method":"jobs.list"}{"jsonrpc":"2.0","method":"jobs.list"}"#.utf8)
        case 7: body = [0xEF, 0xBB, 0xBF] + Array(#"["BOM"]"#.utf8)
        case 8: body = FuzzJSON.nested(depth: pick([600, 10_000]))
        default: body = Array(#"{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol_version":1}"#.utf8)
        }
        return FuzzLine(bytes: body + [0x0A], expectation: .exact("null"), kind: "non-request-json")
    }

    /// A line over 1 MiB, with or without an id: skipped and answered with -32700, id null.
    mutating func overLimit() -> FuzzLine {
        var object: [(String, FuzzJSON)] = [("jsonrpc", .string("2.0")), ("method", .string(JobsList.name)),
                                            ("params", .object([("pad", .string(String(repeating: "p", count: (1 << 20) + int(1..<70_000))))]))]
        if chance(0.5) { object.append(("id", freshID().0)) }
        return FuzzLine(bytes: FuzzJSON.object(object).bytes + [0x0A], expectation: .exact("null"), kind: "over-limit")
    }

    /// A request of exactly 1 MiB (read) and one byte longer (skipped), then one of exactly 1 MiB
    /// ending in \r\n (the \r counts against the limit, so it is skipped).
    mutating func lengthLimitLines() -> [FuzzLine] {
        func padded(_ id: FuzzJSON, to length: Int) -> [UInt8] {
            let shell = FuzzJSON.object([("jsonrpc", .string("2.0")), ("id", id), ("method", .string(JobsList.name)),
                                         ("params", .object([("limit", .int(1)), ("pad", .string(""))]))]).bytes
            let body = FuzzJSON.object([("jsonrpc", .string("2.0")), ("id", id), ("method", .string(JobsList.name)),
                                        ("params", .object([("limit", .int(1)), ("pad", .string(String(repeating: "q", count: length - shell.count)))]))]).bytes
            precondition(body.count == length)
            return body
        }
        let limit = ProtocolLimits.maxRequestLineBytes
        let (atLimit, atKey) = freshID()
        let (over, _) = freshID()
        let (crlf, _) = freshID()
        return [FuzzLine(bytes: padded(atLimit, to: limit) + [0x0A], expectation: .exact(atKey), kind: "at-limit"),
                FuzzLine(bytes: padded(over, to: limit + 1) + [0x0A], expectation: .exact("null"), kind: "over-limit"),
                FuzzLine(bytes: padded(crlf, to: limit) + [0x0D, 0x0A], expectation: .exact("null"), kind: "over-limit")]
    }
}
