// Fast JSON for the reply of every turn and the run log's rows (see `JSONWriter`, `JSONReader`).

extension CornerResult: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("corner", corner)
        try writer.member("errors", errors)
        try writer.member("metrics", metrics)
        try writer.member("outcome", outcome)
        try writer.member("sim_seconds", simSeconds)
        writer.endObject()
    }
}

extension EvaluatedCandidate: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("corners", corners)
        try writer.member("design", design)
        try writer.member("index", index)
        try writer.member("meets_all_specs", meetsAllSpecs)
        try writer.member("message", ifPresent: message)
        try writer.member("metrics", metrics)
        try writer.member("outcome", outcome)
        try writer.member("reward", reward)
        try writer.member("sim_seconds", simSeconds)
        try writer.member("simulation", ifPresent: simulation)
        try writer.member("specs", specs)
        try writer.member("worker", ifPresent: worker)
        try writer.member("x", ifPresent: x)
        writer.endObject()
    }
}

extension TurnResult: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("candidates", candidates)
        try writer.member("turn", turn)
        writer.endObject()
    }
}

extension CornerResult: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var corner: String?, outcome: EvalOutcome?, metrics: Metrics?, errors: [String]?, simSeconds: Double?
        try reader.object { reader, key in
            switch key {
            case "corner": corner = try String(from: &reader)
            case "outcome": outcome = try EvalOutcome(from: &reader)
            case "metrics": metrics = try Metrics(from: &reader)
            case "errors": errors = try [String](from: &reader)
            case "sim_seconds": simSeconds = try Double(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let corner else { throw reader.missing("corner") }
        guard let outcome else { throw reader.missing("outcome") }
        guard let metrics else { throw reader.missing("metrics") }
        guard let errors else { throw reader.missing("errors") }
        guard let simSeconds else { throw reader.missing("sim_seconds") }
        self.init(corner: corner, outcome: outcome, metrics: metrics, errors: errors, simSeconds: simSeconds)
    }
}

extension EvaluatedCandidate: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var index: Int?, x: [Double]?, design: [String: Double]?, outcome: EvalOutcome?, reward: Double?
        var meetsAllSpecs: Bool?, metrics: Metrics?, specs: [SpecResult]?, message: String?, simSeconds: Double?
        var worker: Int?, corners: [CornerResult]?, simulation: Int?
        try reader.object { reader, key in
            switch key {
            case "index": index = try Int(from: &reader)
            case "x": x = try [Double]?(from: &reader)
            case "design": design = try [String: Double](from: &reader)
            case "outcome": outcome = try EvalOutcome(from: &reader)
            case "reward": reward = try Double(from: &reader)
            case "meets_all_specs": meetsAllSpecs = try Bool(from: &reader)
            case "metrics": metrics = try Metrics(from: &reader)
            case "specs": specs = try [SpecResult](from: &reader)
            case "message": message = try String?(from: &reader)
            case "sim_seconds": simSeconds = try Double(from: &reader)
            case "worker": worker = try Int?(from: &reader)
            case "simulation": simulation = try Int?(from: &reader)
            case "corners": corners = try [CornerResult](from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let index else { throw reader.missing("index") }
        guard let design else { throw reader.missing("design") }
        guard let outcome else { throw reader.missing("outcome") }
        guard let reward else { throw reader.missing("reward") }
        guard let meetsAllSpecs else { throw reader.missing("meets_all_specs") }
        guard let metrics else { throw reader.missing("metrics") }
        guard let specs else { throw reader.missing("specs") }
        guard let simSeconds else { throw reader.missing("sim_seconds") }
        guard let corners else { throw reader.missing("corners") }
        self.init(index: index, simulation: simulation, x: x, design: design, outcome: outcome, reward: reward, meetsAllSpecs: meetsAllSpecs,
                  metrics: metrics, specs: specs, message: message, simSeconds: simSeconds, worker: worker, corners: corners)
    }
}

extension TurnResult: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var turn: Int?, candidates: [EvaluatedCandidate]?
        try reader.object { reader, key in
            switch key {
            case "turn": turn = try Int(from: &reader)
            case "candidates": candidates = try [EvaluatedCandidate](from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let turn else { throw reader.missing("turn") }
        guard let candidates else { throw reader.missing("candidates") }
        self.init(turn: turn, candidates: candidates)
    }
}
