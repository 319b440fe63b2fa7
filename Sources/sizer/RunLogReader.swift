import ArgumentParser
import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import Store

/// Where the reading commands (`status`, `jobs`, `history`, `report`) read: the daemon over its
/// socket, or with `--db FILE` a run log file directly, so a finished run can be read without a
/// daemon. Both give the same values.
struct RunLogOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Read this run log file directly instead of asking the daemon.")
    var db: String?

    func reader() throws -> RunLogReader {
        if let db {
            do {
                return .file(try Store(readingOnly: db), path: db)
            } catch let error as StoreError {
                throw ClientError(error.message)
            }
        }
        return .daemon(try connection.connect())
    }
}

/// The run log, through the daemon or straight from its file.
enum RunLogReader {
    case daemon(SizerClient)
    case file(Store, path: String)

    func job(_ id: Int64) throws -> JobInfo {
        switch self {
        case .daemon(let client): return try client.call(JobsGet.self, JobID(id: id))
        case .file(let store, let path): return JobInfo(try Self.job(id, in: store, path: path))
        }
    }

    func jobs(status: JobStatus?, limit: Int) throws -> JobsList.Result {
        switch self {
        case .daemon(let client): return try client.call(JobsList.self, .init(status: status, limit: limit))
        case .file(let store, _): return JobsList.Result(jobs: try store.jobs(status: status, limit: limit).map(JobInfo.init))
        }
    }

    func history(_ id: Int64) throws -> JobsHistory.Result {
        switch self {
        case .daemon(let client): return try client.call(JobsHistory.self, JobID(id: id))
        case .file(let store, let path):
            let job = try Self.job(id, in: store, path: path)
            return JobsHistory.Result(job: JobInfo(job), turns: try store.turns(jobID: id))
        }
    }

    private static func job(_ id: Int64, in store: Store, path: String) throws -> Job {
        guard let job = try store.job(id: id) else { throw ClientError("no job \(id) in \(path)") }
        return job
    }
}
