import GRDB

/// A circuit registered over the socket, as the run log keeps it.
public struct RegisteredCircuit: Sendable, Hashable {
    public var name: String
    public var specHash: String
    public var specJSON: String
    public var netlist: String

    public init(name: String, specHash: String, specJSON: String, netlist: String) {
        self.name = name
        self.specHash = specHash
        self.specJSON = specJSON
        self.netlist = netlist
    }
}

/// A `registered_circuits` row.
extension RegisteredCircuit: FetchableRecord {
    enum Columns {
        static let name = Column("name"), specHash = Column("spec_hash"), specJSON = Column("spec_json")
        static let netlist = Column("netlist"), registeredAt = Column("registered_at")
    }

    public init(row: Row) {
        self.init(name: row[Columns.name], specHash: row[Columns.specHash], specJSON: row[Columns.specJSON],
                  netlist: row[Columns.netlist])
    }
}
