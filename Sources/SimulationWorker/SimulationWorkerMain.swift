import Circuits
import Foundation
import SimulationWire
import SizerCore
import SpiceEngine
import WorkerPool

/// The simulation child process: embeds libngspice once and serves framed requests on stdin/stdout
/// until the parent closes the pipe.
public enum SimulationWorkerMain {
    /// Settings the SKY130 PDK needs (from its `spinit`): HSPICE-compatible `nf` handling
    /// (without it, bins are chosen wrongly for nf > 1) and no model checks (slow).
    public static let pdkSettings = ["ngbehavior=hsa", "ng_nomodcheck"]

    /// `fuseOperatingPoint`: read the `op` vectors from the first `ac` analysis instead of running
    /// `op` apart (see `AnalysisPlan`).
    public static func run(fuseOperatingPoint: Bool) -> Int32 {
        if let directory = ProcessInfo.processInfo.environment["SIZER_WORKER_DIRECTORY"] {
            // ngspice reads .spiceinit from here and from HOME, and writes model-check logs here.
            guard FileManager.default.changeCurrentDirectoryPath(directory) else { return 4 }
        }
        let channel = WorkerChannel.takeOverStandardIO()
        let simulator: NgspiceSimulator
        do {
            simulator = try NgspiceSimulator(settings: pdkSettings)
        } catch {
            FileHandle.standardError.write(Data("sizer worker: cannot initialize ngspice: \(error)\n".utf8))
            return 2
        }
        let session = SimulationSession(simulator: simulator, fuseOperatingPoint: fuseOperatingPoint)
        while let frame = channel.receive() {
            let response: SimulationResponse
            do {
                let request = try WorkerWire.decodeRequest(frame)
                response = session.handle(request)
            } catch {
                response = SimulationResponse(points: [PointResult(status: .failed, errors: ["bad request: \(error)"], seconds: 0)],
                                              rssBytes: 0, served: session.served)
            }
            guard let bytes = try? WorkerWire.encode(response), channel.send(bytes) else { return 1 }
            // After ControlledExit the library must not be called again: let the pool start a new worker.
            if session.isPoisoned { return 3 }
        }
        return 0
    }
}
