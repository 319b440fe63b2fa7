import Circuits
import Testing

@Suite struct NetlistTemplateTests {
    @Test func findsTopLevelParametersOnly() throws {
        let t = try NetlistTemplate(text: """
            * title
            .param w1=6
            .param L1 = 0.5
            .subckt amp a b
            .param inner=1
            r1 a b 1k
            .ends
            r2 x 0 {w1}
            .end
            """)
        #expect(t.parameters == ["w1", "l1"])
        #expect(t.lines(overriding: ["w1": 7.5]).contains(".param w1=7.5"))
        #expect(t.lines(overriding: ["inner": 2]).contains(".param inner=1"))
    }

    @Test(arguments: [
        ".control\nshell rm -rf /\n.endc",
        ".include /etc/passwd",
        ".lib /tmp/evil.lib tt",
        ".tran 1n 1u",
        ".meas tran x max v(out)",
        "a1 in out filesource",
        "r1 a b {1} ; shell",
        "b1 out 0 v=`cat /etc/passwd`",
    ])
    func rejectsConstructsThatReachFilesOrShells(line: String) {
        #expect(throws: NetlistTemplate.Rejection.self) {
            try NetlistTemplate(text: "* title\n.param x=1\n" + line + "\n")
        }
    }

    @Test func rejectionNamesTheLineAndTheReason() {
        do {
            _ = try NetlistTemplate(text: "* t\nr1 a 0 1k\n.include models.lib\n")
            Issue.record("expected a rejection")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.contains("models"))
        }
    }
}
