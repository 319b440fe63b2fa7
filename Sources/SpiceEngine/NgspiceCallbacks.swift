import CNgspice

// libngspice delivers its output through C callbacks. Exactly one simulator exists per process
// (the library is not re-entrant) and every call into it happens on the thread that owns the
// `NgspiceSimulator`, so this process-wide capture state is only touched from that thread.
nonisolated(unsafe) var capturedLines: [String] = []
nonisolated(unsafe) var controlledExitStatus: Int32? = nil
nonisolated(unsafe) var echoOutput = false

func sendChar(_ text: UnsafeMutablePointer<CChar>?, _ id: Int32, _ user: UnsafeMutableRawPointer?) -> Int32 {
    guard let text else { return 0 }
    let line = String(cString: text)
    capturedLines.append(line)
    if echoOutput { print(line) }
    return 0
}

func sendStat(_ text: UnsafeMutablePointer<CChar>?, _ id: Int32, _ user: UnsafeMutableRawPointer?) -> Int32 {
    0
}

/// Called on `quit` or on errors after which the loaded copy of the library is unusable.
func controlledExit(_ status: Int32, _ unload: Bool, _ quit: Bool, _ id: Int32,
                    _ user: UnsafeMutableRawPointer?) -> Int32 {
    controlledExitStatus = status
    return 0
}
