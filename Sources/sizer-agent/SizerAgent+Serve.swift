import Agent
import ArgumentParser
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

extension SizerAgent {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim jobs and run their optimizers until SIGTERM (which finishes the current turn, gives the job back and exits 0).")

        @OptionGroup var connection: AgentConnectionOptions

        @Option(help: "This agent's name in the run log (default: sizer-agent-PID).")
        var name: String?

        @Option(help: "Serve only these optimizers (comma-separated; default: all this agent has).")
        var optimizers: String?

        @Flag(help: "Exit when the queue is empty instead of waiting for more jobs.")
        var untilIdle = false

        @Flag(help: "Print one line per turn on stderr.")
        var verbose = false

        func run() async throws {
            StopSignal.install()
            let agentName = name ?? "sizer-agent-\(getpid())"
            let wanted = optimizers?.split(separator: ",").map(String.init) ?? OptimizerRegistry.names
            // The daemon may not be up yet, may restart, or may be shutting down: wait for it,
            // saying so, rather than exit and leave every later job queued.
            var backoff = Backoff()
            while !StopSignal.isRequested {
                let client: SizerClient
                do {
                    client = try SizerClient(socketPath: connection.socket)
                    _ = try client.hello(client: agentName)
                } catch {
                    Self.note("sizer-agent: \(error); waiting for sizerd, retrying in \(backoff.delayText)")
                    backoff.wait()
                    continue
                }
                backoff.reset()
                Self.note("\(agentName) serving \(wanted.joined(separator: ", ")) on \(connection.socket)")
                do {
                    try serveJobs(client: client, agentName: agentName, wanted: wanted)
                    break
                } catch let error as RPCError where error.kind == .shuttingDown {
                    Self.note("sizerd is shutting down; \(agentName) waits for it to come back")
                } catch let error as RPCError where error.kind == .storageUnavailable && StopSignal.isRequested {
                    break
                } catch let error as ClientError {
                    Self.note("lost sizerd: \(error); reconnecting")
                }
            }
            Self.note("\(agentName) stopped")
        }

        /// Claims and runs jobs on one connection until a stop request (or, with `--until-idle`, an
        /// empty queue); a lost connection or a daemon shutting down is thrown to `run`.
        func serveJobs(client: SizerClient, agentName: String, wanted: [String]) throws {
            let registry = OptimizerRegistry(client: client)
            while !StopSignal.isRequested {
                let claim = try StorageRetry.call("claiming a job") {
                    try client.call(AgentClaim.self, .init(agent: agentName, optimizers: wanted,
                                                           waitSeconds: untilIdle ? 0 : 2))
                }
                guard let claimed = claim.claimed else {
                    if untilIdle { return }
                    continue
                }
                let keeper = LeaseKeeper(lease: claimed.lease, socketPath: connection.socket)
                keeper.start()
                defer { keeper.stop() }
                let ending: JobRunner.Ending
                do {
                    let optimizer = try registry.make(claimed)
                    let stopOnSuccess = claimed.job.config.flatMap(\.stopOnSuccess) ?? false
                    Self.note("job \(claimed.job.id): \(claimed.job.circuit) with \(optimizer.name), turn \(claimed.history.count), \(claimed.job.simulationsUsed)/\(claimed.job.budget) sims")
                    let log: (String) -> Void = verbose ? { Self.note($0) } : { _ in }
                    let runner = JobRunner(client: client, claimed: claimed, optimizer: optimizer,
                                           stopOnSuccess: stopOnSuccess, log: log)
                    ending = try runner.run(keeper: keeper)
                } catch let error as OptimizerUnavailable {
                    let job = try StorageRetry.call("failing job \(claimed.job.id)", giveUp: { keeper.leaseWasLost }) {
                        try client.call(AgentFinish.self, .init(jobId: claimed.lease.jobId, token: claimed.lease.token,
                                                                status: .failed, error: error.description))
                    }
                    ending = .finished(job)
                }
                switch ending {
                case .finished(let job):
                    Self.note("job \(job.id) \(job.status.rawValue): best \(job.bestReward.map { String(format: "%.4f", $0) } ?? "-"), specs met \(job.meetsAllSpecs ? "yes" : "no"), \(job.simulationsUsed) sims")
                case .released: Self.note("job \(claimed.job.id) given back to the queue")
                case .cancelled: Self.note("job \(claimed.job.id) was cancelled")
                case .leaseLost: Self.note("job \(claimed.job.id): lease lost (another agent may resume it)")
                }
            }
        }

        static func note(_ text: String) {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }
}

extension JSONValue {
    var stopOnSuccess: Bool? {
        guard case .object(let object) = self, case .bool(let value)? = object["stop_on_success"] else { return nil }
        return value
    }
}
