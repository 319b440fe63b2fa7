/// A spec file or netlist that cannot be used, with a message that says what to fix.
public struct CircuitError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}
