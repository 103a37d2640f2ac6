import OneCallCore
import OneCallKnowledge
import Testing

/// The reference guide's four codes give exactly the reference architecture's plans.
@Suite struct RunbookPlannerReferenceTests {
    let document: KnowledgeDocument
    let planner = RunbookPlanner()

    init() throws {
        document = try KnowledgeFixtures.reference()
    }

    /// The first four members of a plan's JSON, which the agent reads.
    static func core(_ json: JSONValue) -> JSONValue {
        var object = JSONObject()
        for key in ["code", "steps", "actions", "unmapped"] { object[key] = json[key] }
        return .object(object)
    }

    @Test func e1LogsATicketOnly() {
        let plan = planner.plan(code: "E1", in: document)
        let expected: JSONValue = [
            "code": "E1",
            "steps": [
                "Check that the compressor runs.", "Check the refrigerant pressure.",
                "Inspect the filter and make sure air flows freely.",
            ],
            "actions": [["tool": "log_ticket"]],
            "unmapped": [],
        ]
        #expect(Self.core(plan.json) == expected)
        #expect(plan.tools == [.logTicket])
        #expect(plan.actions.map(\.phrase) == ["Log a ticket"])
    }

    @Test func e2LogsATicketAndClearsTheFault() {
        let plan = planner.plan(code: "E2", in: document)
        let expected: JSONValue = [
            "code": "E2",
            "steps": [
                "Look for refrigerant leaks.", "Check that the refrigerant charge is right.",
                "Listen to the compressor for unusual noise or vibration.",
            ],
            "actions": [["tool": "log_ticket"], ["tool": "clear_fault"]],
            "unmapped": [],
        ]
        #expect(Self.core(plan.json) == expected)
        #expect(plan.actions.map(\.phrase) == ["Log a ticket", "Clear the fault on the device"])
    }

    @Test func e3LogsATicketAndCallsTheOperator() {
        let plan = planner.plan(code: "E3", in: document)
        let expected: JSONValue = [
            "code": "E3",
            "steps": [
                "Check the power supply to the compressor.", "Measure the compressor windings' resistance.",
                "Test the capacitor and the relay.",
            ],
            "actions": [["tool": "log_ticket"], ["tool": "call_operator"]],
            "unmapped": [],
        ]
        #expect(Self.core(plan.json) == expected)
    }

    @Test func w1LogsATicketAndCallsTheOperator() {
        let plan = planner.plan(code: "W1", in: document)
        let expected: JSONValue = [
            "code": "W1",
            "steps": [
                "Check the thermostat settings.", "Clean or replace the air filters.", "Inspect and seal the ductwork.",
                "Clean the evaporator and condenser coils.", "Look for refrigerant leaks.",
            ],
            "actions": [["tool": "log_ticket"], ["tool": "call_operator"]],
            "unmapped": [],
        ]
        #expect(Self.core(plan.json) == expected)
    }

    @Test func jsonStartsWithTheAgreedKeysInOrder() throws {
        let json = planner.plan(code: "E2", in: document).json
        let object = try #require(json.objectValue)
        #expect(Array(object.keys.prefix(4)) == ["code", "steps", "actions", "unmapped"])
        #expect(json["sectionFound"] == true)
        #expect(json["noRunbook"] == false)
        #expect(json["severity"] == "medium")
        #expect(json["faultType"] == "low_pressure")
        let actions = try #require(json["actions"]?.arrayValue)
        #expect(actions.allSatisfy { $0.objectValue?.keys == ["tool"] })
    }

    @Test func fieldsOfTheSectionAreExposed() {
        let plan = planner.plan(code: "E3", in: document)
        #expect(plan.severity == "high")
        #expect(plan.faultType == "compressor_failure")
        #expect(plan.title == "compressor_failure")
        #expect(plan.fields["severity"] == "high")
        #expect(plan.fields["fault type"] == "compressor_failure")
        #expect(plan.fields["effect on the unit"] == "the compressor stays off and power consumption drops to 0 W.")
        #expect(plan.heading == "Error Code: E3")
        #expect(plan.documentName == "aircon-fault-codes.md")
        #expect(!plan.needsAttention)
    }

    @Test func codesAreMatchedIgnoringCase() {
        #expect(planner.plan(code: "e2", in: document).tools == [.logTicket, .clearFault])
        #expect(planner.plan(code: "w1", in: document).sectionFound)
    }

    @Test(arguments: ["E4", "E10", "E", "W", "1", "", "Error Code", "E1 E2"])
    func aCodeWithoutASectionHasNoRunbook(code: String) {
        let plan = planner.plan(code: code, in: document)
        #expect(!plan.sectionFound)
        #expect(plan.noRunbook)
        #expect(plan.tools == [.logTicket])
        #expect(plan.steps.isEmpty && plan.unmapped.isEmpty)
        #expect(plan.json["noRunbook"] == true)
        #expect(plan.json["sectionFound"] == false)
        #expect(plan.json["actions"] == [["tool": "log_ticket"]])
        #expect(plan.needsAttention)
    }

    @Test func theIndexPlansFromItsDocuments() throws {
        var index = KnowledgeIndex()
        try index.add(document)
        #expect(planner.plan(code: "E3", in: index).tools == [.logTicket, .callOperator])
        #expect(planner.plan(code: "E9", in: index).noRunbook)
    }
}
