import SizerCore
import SizerProtocol
import Store

// Policy checkpoints in the run log.
extension SizingService {
    func savePolicy(_ params: PoliciesSave.Params) throws(RPCError) -> PoliciesSave.Result {
        guard !params.circuit.isEmpty, !params.algorithm.isEmpty, !params.checkpoint.isEmpty else {
            throw RPCError(.invalidParams, "params.circuit, params.algorithm and params.checkpoint must not be empty")
        }
        guard params.simulations >= 0, params.featureVersion >= 1 else {
            throw RPCError(.invalidParams, "params.simulations must be >= 0 and params.feature_version >= 1")
        }
        guard params.checkpoint.utf8.count <= 64 << 20 else {
            throw RPCError(.invalidParams, "params.checkpoint is larger than 64 MiB")
        }
        let id = try storeCall {
            try store.savePolicy(PolicyRecord(circuit: params.circuit, algorithm: params.algorithm,
                                              specHash: params.specHash, featureVersion: params.featureVersion,
                                              simulations: params.simulations, seed: params.seed,
                                              codeVersion: params.codeVersion, checkpointJSON: params.checkpoint))
        }
        return PoliciesSave.Result(id: id)
    }

    func policy(_ params: PoliciesGet.Params) throws(RPCError) -> PoliciesGet.Result {
        guard params.id != nil || (params.circuit != nil && params.algorithm != nil) else {
            throw RPCError(.invalidParams, "give params.id, or params.circuit and params.algorithm")
        }
        guard let record = try storeCall({ try store.policy(id: params.id, circuit: params.circuit, algorithm: params.algorithm) }) else {
            throw RPCError(.notFound, "no such policy")
        }
        return PoliciesGet.Result(id: record.id, circuit: record.circuit, algorithm: record.algorithm,
                                  specHash: record.specHash, featureVersion: record.featureVersion,
                                  simulations: record.simulations, seed: record.seed, codeVersion: record.codeVersion,
                                  createdAt: record.createdAt, checkpoint: record.checkpointJSON)
    }
}
