import Agent
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

/// Training against the real simulator: each training rollout is a job of kind `training` in the
/// daemon (so every simulation is logged and marked as training), submitted and claimed by this
/// process, and evaluated turn by turn through `agent.evaluate`.
final class DaemonSizingEnvironment: SizingEnvironment, @unchecked Sendable {
    let circuit: String
    let variables: [SizingTask.Variable]
    let specCount: Int
    let socketPath: String
    let agentName: String
    let algorithm: String
    /// Train-split targets the trainer samples from (the last `validationCount` are held out for validation).
    let trainTargets: [[SizingTask.Spec]]
    let validationCount: Int
    private let lock = NSLock()
    private var jobs: [SizingTask: JobState] = [:]
    private var idleClients: [SizerClient] = []
    private var indexOfTargets: [[SizingTask.Spec]: Int] = [:]

    struct JobState {
        var id: Int64
        var token: String
        var turn: Int
    }

    init(socketPath: String, circuit: String, algorithm: String, validationCount: Int, agentName: String) throws {
        self.socketPath = socketPath
        self.circuit = circuit
        self.algorithm = algorithm
        self.validationCount = validationCount
        self.agentName = agentName
        let client = try SizerClient(socketPath: socketPath)
        _ = try client.hello(client: agentName)
        let described = try client.call(CircuitsDescribe.self, .init(circuit: circuit))
        variables = described.variables.map { .init(name: $0.name, kind: $0.kind) }
        specCount = described.specs.count
        let split = try client.call(CircuitsTargets.self, .init(circuit: circuit, split: "train"))
        trainTargets = zip(split.targets, split.positions).map { targets, positions in
            zip(targets, positions).map { Spec(metric: $0.0.metric, bound: $0.0.bound, target: $0.0.target, position: $0.1) }
        }
        guard trainTargets.count > validationCount else {
            throw OptimizerUnavailable("\(circuit) has \(trainTargets.count) train targets; \(validationCount) are needed for validation alone")
        }
        for (index, targets) in trainTargets.enumerated() { indexOfTargets[targets] = index }
        idleClients = [client]
    }

    typealias Spec = SizingTask.Spec

    /// The validation slice: the last train targets, never sampled for updates.
    var validationTasks: [SizingTask] {
        trainTargets.suffix(validationCount).enumerated().map { offset, specs in
            SizingTask(circuit: circuit, variables: variables, specs: specs, budget: 48, groupSize: 8,
                       seed: UInt64(offset) &* 7919)
        }
    }

    func sampleTask(using generator: inout SplitMix64) -> SizingTask {
        let index = Int(generator.next() % UInt64(trainTargets.count - validationCount))
        return SizingTask(circuit: circuit, variables: variables, specs: trainTargets[index], budget: 1, groupSize: 1, seed: 0)
    }

    func evaluate(task: SizingTask, designs: [[Double]]) async throws -> [Candidate] {
        try await withCheckedThrowingContinuation { continuation in
            // Blocking socket calls run on their own thread, never on the cooperative pool.
            Thread.detachNewThread { [self] in
                continuation.resume(with: Result { try evaluateBlocking(task: task, designs: designs) })
            }
        }
    }

    private func evaluateBlocking(task: SizingTask, designs: [[Double]]) throws -> [Candidate] {
        let client = try checkOutClient()
        defer { checkIn(client) }
        var state = try jobState(for: task, client: client)
        let result = try client.call(AgentEvaluate.self, .init(jobId: state.id, token: state.token, turn: state.turn,
                                                                candidates: designs))
        state.turn += 1
        if result.simulationsUsed >= result.budget {
            _ = try client.call(AgentFinish.self, .init(jobId: state.id, token: state.token, status: .done))
            update(task, nil)
        } else {
            update(task, state)
        }
        return TurnRecord(result.turn).candidates
    }

    private func jobState(for task: SizingTask, client: SizerClient) throws -> JobState {
        if let state = lock.withLock({ jobs[task] }) { return state }
        let index = indexOfTargets[task.specs]
        let job = try client.call(JobsSubmit.self, .init(
            circuit: circuit, optimizer: algorithm, budget: task.budget, groupSize: task.groupSize,
            seed: Int64(bitPattern: task.seed & 0x7FFF_FFFF_FFFF_FFFF),
            targets: index == nil ? task.specs.map { SpecTarget(metric: $0.metric, bound: $0.bound, target: $0.target) } : nil,
            trainTarget: index, kind: .training))
        guard let claimed = try client.call(AgentClaim.self, .init(agent: agentName, jobId: job.id)).claimed else {
            throw OptimizerUnavailable("training job \(job.id) could not be claimed")
        }
        let state = JobState(id: job.id, token: claimed.lease.token, turn: 0)
        update(task, state)
        return state
    }

    private func update(_ task: SizingTask, _ state: JobState?) {
        lock.withLock { jobs[task] = state }
    }

    private func checkOutClient() throws -> SizerClient {
        if let client = lock.withLock({ idleClients.popLast() }) { return client }
        let client = try SizerClient(socketPath: socketPath)
        _ = try client.hello(client: agentName)
        return client
    }

    private func checkIn(_ client: SizerClient) {
        lock.withLock { idleClients.append(client) }
    }
}
