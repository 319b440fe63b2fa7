import ArgumentParser
import Foundation
import SizerClient
import SizerProtocol

extension Sizer {
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow a job turn by turn until it ends: simulations used, best reward, specs met.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The job id.")
        var job: Int64

        func run() async throws {
            try reportingErrors {
                let client = try connection.connect()
                let start = try client.call(JobsGet.self, JobID(id: job))
                let interactive = isatty(STDOUT_FILENO) == 1 && !connection.json
                if !connection.json {
                    print("job \(start.id): \(start.circuit), \(start.optimizer), budget \(start.budget), group \(start.groupSize) — \(start.status.rawValue)")
                }
                var events: [TurnEvent] = []
                let final = try client.call(JobsWatch.self, JobID(id: job)) { note in
                    if note.method == UnclaimedJob.method,
                       let unclaimed = try? WireCoding.decode(UnclaimedJob.self, from: note.params) {
                        FileHandle.standardError.write(Data("sizer: \(unclaimed.advice)\n".utf8))
                    }
                    guard note.method == TurnEvent.method,
                          let event = try? WireCoding.decode(TurnEvent.self, from: note.params) else { return }
                    events.append(event)
                    guard !connection.json else { return }
                    let line = Self.progress(event)
                    if interactive {
                        FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
                    } else {
                        print(line)
                    }
                }
                if interactive { print("") }
                if connection.json {
                    try connection.printJSON(WatchReport(job: final, events: events))
                } else {
                    print(JobText.summary(final))
                }
                if final.status == .failed { throw ExitCode(1) }
            }
        }

        static func progress(_ event: TurnEvent) -> String {
            let width = 30
            let filled = min(width, event.simulationsUsed * width / max(1, event.budget))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            return "turn \(JobText.pad("\(event.turn)", 3, left: true))  [\(bar)] \(event.simulationsUsed)/\(event.budget) sims"
                + "  turn best \(JobText.pad(JobText.reward(event.turnBestReward), 8, left: true))"
                + "  best \(JobText.pad(JobText.reward(event.bestReward), 8, left: true))"
                + "  specs met \(event.meetsAllSpecs ? "yes" : "no")"
        }
    }
}

/// `sizer watch --json` output.
struct WatchReport: Codable {
    var job: JobInfo
    var events: [TurnEvent]
}
