import Circuits
import Foundation
import SimulationWire
import SizerCore
import SpiceDeck
import WorkerPool

/// Evaluates designs of one circuit. The daemon and the optimizers see only this interface, so
/// evaluation can later move to a cluster without changing them.
public protocol Evaluator: Sendable {
    var circuit: Circuit { get }
    /// Evaluates designs (physical values) at the given corners against the given targets.
    /// Results are in input order; every design ends in a typed outcome.
    func evaluate(_ designs: [[String: Double]], corners: [Corner], targets: [SpecTarget]) async -> [DesignEvaluation]
}

/// Evaluates on a local pool of simulation worker processes.
public struct PoolEvaluator: Evaluator {
    public let circuit: Circuit
    public let pool: WorkerPool
    /// Check path: load every point from scratch instead of changing parameters.
    public var freshLoad: Bool
    /// How requests put designs into decks (see `Circuit.request`); other forms are for
    /// side-by-side measurements.
    public var deckForm: DeckForm

    public init(circuit: Circuit, pool: WorkerPool, freshLoad: Bool = false, deckForm: DeckForm = DeckForm()) {
        self.circuit = circuit
        self.pool = pool
        self.freshLoad = freshLoad
        self.deckForm = deckForm
    }

    public func evaluate(_ designs: [[String: Double]], corners: [Corner], targets: [SpecTarget]) async -> [DesignEvaluation] {
        // Few designs at many corners: split each design's corners so every worker gets a share.
        let chunkCount = max(1, min(corners.count, (pool.configuration.workers + designs.count - 1) / max(1, designs.count)))
        let chunks = Self.split(corners, into: chunkCount)
        // A deadline per corner: a PVT sweep gets proportionally longer.
        let timeout = circuit.timeout * max(1, chunks.map(\.count).max() ?? 1)
        var slots: [[Int]?] = []
        var results = [DesignEvaluation?](repeating: nil, count: designs.count)
        let replies = await withTaskGroup(of: (Int, WorkerReply).self) { group in
            // Each request goes to the pool as soon as it is built, so the workers start on the
            // first while the rest are prepared.
            var count = 0
            for (index, design) in designs.enumerated() {
                if let reason = circuit.space.invalidReason(design) {
                    results[index] = EvaluationAssembler.invalid(design, reason: reason, targets: targets)
                    slots.append(nil)
                    continue
                }
                var mine: [Int] = []
                for chunk in chunks {
                    let request = circuit.request(values: design, corners: chunk, freshLoad: freshLoad, form: deckForm)
                    let payload = (try? WorkerWire.encode(request)) ?? []
                    let slot = count
                    mine.append(slot)
                    count += 1
                    group.addTask { (slot, await pool.submit(payload, timeout: timeout)) }
                }
                slots.append(mine)
            }
            var replies = [WorkerReply?](repeating: nil, count: count)
            for await (slot, reply) in group { replies[slot] = reply }
            return replies.map { $0! }
        }
        for (index, slot) in slots.enumerated() {
            guard let slot else { continue }
            let design = designs[index]
            var points: [PointResult] = []
            var worker = 0
            var unfinished: DesignEvaluation?
            for payloadIndex in slot where unfinished == nil {
                switch replies[payloadIndex] {
                case .reply(let bytes, let id):
                    worker = id
                    if let response = try? WorkerWire.decodeResponse(bytes) {
                        points += response.points
                    } else {
                        unfinished = EvaluationAssembler.unfinished(design, outcome: .failed, message: "unreadable worker reply",
                                                                    targets: targets, worker: id)
                    }
                case .timedOut(let id):
                    unfinished = EvaluationAssembler.unfinished(design, outcome: .timeout,
                        message: "no result within \(timeout); the worker was killed", targets: targets, worker: id)
                case .crashed(let exit, let id):
                    unfinished = EvaluationAssembler.unfinished(design, outcome: .crashed,
                        message: "the simulation worker \(exit)", targets: targets, worker: id)
                case .unavailable(let message):
                    unfinished = EvaluationAssembler.unfinished(design, outcome: .crashed, message: message,
                                                                targets: targets, worker: nil)
                }
            }
            results[index] = unfinished ?? EvaluationAssembler.assemble(
                design, circuit: circuit, corners: corners,
                response: SimulationResponse(points: points, rssBytes: 0, served: 0), targets: targets, worker: worker)
        }
        return results.map { $0! }
    }

    /// Contiguous, nearly equal parts, in order.
    static func split<T>(_ items: [T], into parts: Int) -> [[T]] {
        guard parts > 1 else { return [items] }
        var result: [[T]] = []
        var start = 0
        for part in 0..<parts {
            let size = (items.count - start) / (parts - part)
            result.append(Array(items[start..<(start + size)]))
            start += size
        }
        return result.filter { !$0.isEmpty }
    }
}

extension WorkerLaunch {
    /// `sizerd worker`, found next to the running executable (or at `$SIZER_SIZERD`).
    public static func simulationWorker(workingDirectoryRoot: String? = nil) -> WorkerLaunch {
        let environment = ProcessInfo.processInfo.environment
        let executable = environment["SIZER_SIZERD"] ?? {
            let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("sizerd").path
        }()
        let root = workingDirectoryRoot
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("sizer-workers-\(getpid())")
        return WorkerLaunch(executable: executable, arguments: ["worker"], workingDirectoryRoot: root)
    }
}
