import SizerCore
import SizerProtocol
import Store

extension StoreError: RPCErrorConvertible {
    public var rpcError: RPCError {
        switch kind {
        case .notFound: RPCError(.notFound, message)
        case .conflict: RPCError(.conflict, message)
        case .cancelled: RPCError(.jobCancelled, message)
        case .budgetExceeded: RPCError(.budgetExceeded, message)
        case .invalid: RPCError(.invalidParams, message)
        case .storageUnavailable:
            RPCError(.storageUnavailable, "\(message); this request was not recorded (reads still work): retry once the run log can be written again")
        }
    }
}

extension TurnRefusal: RPCErrorConvertible {
    public var rpcError: RPCError {
        switch self {
        case .outOfOrder: RPCError(.conflict, description)
        case .overBudget: RPCError(.budgetExceeded, description)
        }
    }
}
