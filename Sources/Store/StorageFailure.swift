import Foundation
import GRDB
import GRDBSQLite

/// The one place where SQLite's storage errors get their meaning: the disk is full, a file size limit
/// is reached, the file or file system is read-only, the file cannot be opened, an I/O error. SQLite
/// has rolled the transaction back when it reports one, so nothing was changed; the store turns it
/// into `StoreError(.storageUnavailable)` with a message that names the file and the reason.
struct StorageFailure: Error {
    var code: ResultCode
    var sqliteMessage: String?
    /// The `errno` of the system call that failed (0 if unknown): it tells ENOSPC from EFBIG from EROFS.
    var systemErrno: Int32

    /// A storage error from SQLite (or `error` itself if it is one already), or nil for any other
    /// error (constraints, SQL, busy...). `connection` is the one that failed, if at hand, for `errno`.
    init?(_ error: any Error, connection: SQLiteConnection? = nil) {
        if let failure = error as? StorageFailure {
            self = failure
            return
        }
        guard let error = error as? DatabaseError, Self.storageCodes.contains(error.resultCode.rawValue) else { return nil }
        code = error.extendedResultCode
        sqliteMessage = error.message
        systemErrno = connection.map { sqlite3_system_errno($0) } ?? 0
    }

    static let storageCodes = Set([ResultCode.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN,
                                   .SQLITE_PERM].map(\.rawValue))

    /// Why, in words an operator can act on.
    var reason: String {
        let system = Self.describe(errno: systemErrno)
        switch code.primaryResultCode {
        case .SQLITE_FULL:
            return "the disk is full" + (system.map { " (\($0))" } ?? "")
        case .SQLITE_IOERR:
            return system.map { "the disk refused it: \($0)" }
                ?? "\(sqliteMessage ?? "disk I/O error") (SQLite code \(code.rawValue)): the disk may be full, over quota or failing"
        case .SQLITE_READONLY:
            return "the file or its folder is read-only for sizerd (uid \(getuid()))" + (system.map { ": \($0)" } ?? "")
        default:
            return "it cannot be opened" + (system.map { ": \($0)" } ?? (sqliteMessage.map { ": \($0)" } ?? ""))
        }
    }

    static func describe(errno code: Int32) -> String? {
        guard code != 0 else { return nil }
        let names = [ENOSPC: "ENOSPC", EFBIG: "EFBIG", EDQUOT: "EDQUOT", EROFS: "EROFS", EACCES: "EACCES", EIO: "EIO"]
        let text = "\(String(cString: strerror(code))), \(names[code] ?? "errno \(code)")"
        return code == EFBIG ? text + ": the file size limit (RLIMIT_FSIZE, ulimit -f) is reached" : text
    }

    enum Operation { case open, read, write }

    /// The store's error for this failure on the database at `path`.
    func storeError(path: String, _ operation: Operation) -> StoreError {
        switch operation {
        case .open: StoreError(.storageUnavailable, "cannot open the run log \(path): \(reason)")
        case .read: StoreError(.storageUnavailable, "the run log \(path) cannot be read: \(reason)")
        case .write: StoreError(.storageUnavailable, "the run log \(path) cannot be written: \(reason)")
        }
    }
}
