import Circuits
import Foundation
import SizerCore
import SizerProtocol
import Store

// Jobs: submit, read, list, cancel, history.
extension SizingService {
    func submit(_ params: JobsSubmit.Params) throws(RPCError) -> JobInfo {
        try refuseWhenShuttingDown()
        let circuit = try circuit(named: params.circuit)
        guard OptimizerNames.all.contains(params.optimizer) else {
            throw RPCError(.invalidParams, "params.optimizer must be one of \(OptimizerNames.all.joined(separator: ", ")), not '\(params.optimizer)'")
        }
        guard (1...100_000).contains(params.budget) else {
            throw RPCError(.invalidParams, "params.budget must be between 1 and 100000 simulations, not \(params.budget)")
        }
        let groupSize = params.groupSize ?? min(8, params.budget)
        guard (1...256).contains(groupSize), groupSize <= params.budget else {
            throw RPCError(.invalidParams, "params.group_size must be between 1 and min(256, budget), not \(groupSize)")
        }
        let seed = params.seed ?? 0
        guard seed >= 0 else { throw RPCError(.invalidParams, "params.seed must not be negative") }
        let kind = params.kind ?? .sizing
        guard kind != .eval else { throw RPCError(.invalidParams, "params.kind must be sizing, training or benchmark; use the eval method for one-off evaluations") }
        let (targets, source) = try Self.targets(params, circuit: circuit)
        let corners = try Self.corners(params.corners, circuit: circuit)
        var configJSON: String?
        if let config = params.config {
            guard case .object = config else { throw RPCError(.invalidParams, "params.config must be an object") }
            configJSON = String(decoding: (try? SizerJSON.encoder().encode(config)) ?? Data(), as: UTF8.self)
        }
        let job = NewJob(kind: kind, circuit: Self.record(circuit), environment: environment,
                         optimizer: params.optimizer, budget: params.budget, groupSize: groupSize, seed: seed,
                         targets: targets, targetSource: source, corners: corners.map(\.description),
                         configJSON: configJSON)
        let created = try storeCall { try store.createJob(job) }
        logger.info("job queued", metadata: ["job": "\(created.id)", "circuit": "\(circuit.name)",
                                             "optimizer": "\(params.optimizer)", "budget": "\(params.budget)"])
        return JobInfo(created)
    }

    static func targets(_ params: JobsSubmit.Params, circuit: Circuit) throws(RPCError) -> ([SpecTarget], String) {
        let given = [params.targets != nil, params.testTarget != nil, params.trainTarget != nil].filter { $0 }.count
        guard given <= 1 else {
            throw RPCError(.invalidParams, "give at most one of params.targets, params.test_target, params.train_target")
        }
        let splits = TargetSplits(spec: circuit.spec)
        if let index = params.testTarget {
            guard splits.test.indices.contains(index) else {
                throw RPCError(.invalidParams, "params.test_target must be in 0..<\(splits.test.count), not \(index)")
            }
            return (splits.test[index], "test:\(index)")
        }
        if let index = params.trainTarget {
            guard splits.train.indices.contains(index) else {
                throw RPCError(.invalidParams, "params.train_target must be in 0..<\(splits.train.count), not \(index)")
            }
            return (splits.train[index], "train:\(index)")
        }
        if let targets = params.targets {
            try validate(targets, circuit: circuit)
            return (targets, "user")
        }
        return (circuit.spec.defaultTargets, "default")
    }

    static func validate(_ targets: [SpecTarget], circuit: Circuit) throws(RPCError) {
        guard !targets.isEmpty else { throw RPCError(.invalidParams, "params.targets must not be empty") }
        let metrics = Set(circuit.spec.measurements.map(\.name))
        for (index, target) in targets.enumerated() {
            guard metrics.contains(target.metric) else {
                throw RPCError(.invalidParams, "params.targets[\(index)].metric '\(target.metric)' is not measured by \(circuit.name) (measured: \(metrics.sorted().joined(separator: ", ")))")
            }
            guard target.target.isFinite, target.weight.isFinite, target.weight >= 0 else {
                throw RPCError(.invalidParams, "params.targets[\(index)]: target and weight must be finite, weight >= 0")
            }
        }
    }

    static func corners(_ selection: CornerSelection?, circuit: Circuit) throws(RPCError) -> [Corner] {
        let text: String? = switch selection {
        case nil, .nominal: nil
        case .all: "all"
        case .labels(let labels): labels.joined(separator: ",")
        }
        do {
            let corners = try circuit.corners(text)
            guard !corners.isEmpty else { throw RPCError(.invalidParams, "params.corners must not be empty") }
            return corners
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.invalidParams, "params.corners: \(error)")
        }
    }

    static func record(_ circuit: Circuit) -> CircuitRecord {
        let specText = circuit.specText
        return CircuitRecord(name: circuit.name, specHash: circuit.contentHash, specJSON: specText)
    }

    // Reads need no isolation: the store serves concurrent readers (WAL), so a burst of status
    // queries never waits behind the actor.
    nonisolated func job(_ id: Int64) throws(RPCError) -> JobInfo {
        guard let record = try storeCall({ try store.job(id: id) }) else { throw RPCError(.notFound, "no job \(id)") }
        return JobInfo(record)
    }

    nonisolated func list(_ params: JobsList.Params) throws(RPCError) -> JobsList.Result {
        let limit = params.limit ?? 100
        guard (1...10_000).contains(limit) else { throw RPCError(.invalidParams, "params.limit must be in 1...10000") }
        return JobsList.Result(jobs: try storeCall { try store.jobs(status: params.status, limit: limit) }
            .map(JobInfo.init))
    }

    func cancel(_ id: Int64) throws(RPCError) -> JobInfo {
        knownJobs[id] = nil
        let job = JobInfo(try storeCall { try store.cancelJob(id: id) })
        logger.info("job cancelled", metadata: ["job": "\(id)"])
        watchers.end(job: id)
        return job
    }

    nonisolated func history(_ id: Int64) throws(RPCError) -> JobsHistory.Result {
        let job = try job(id)
        let turns = try storeCall { try store.turns(jobID: id) }
        return JobsHistory.Result(job: job, turns: turns)
    }
}
