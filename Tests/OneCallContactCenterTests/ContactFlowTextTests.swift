import Testing

@testable import OneCallContactCenter

@Suite struct ContactFlowTextTests {
    let system = [
        "ContactId": "c-1", "StoredCustomerInput": "42", "CustomerEndpoint.Address": "+15550100",
        "SystemEndpoint.Address": "+15550199", "Queue.Name": "support",
    ]

    func render(_ template: String, _ attributes: [String: String] = [:], ssml: Bool = false) -> String {
        ContactFlowText(template).render(attributes: attributes, system: system, escapingForSSML: ssml)
    }

    @Test func substitutesAttributes() {
        #expect(
            render(
                "Device $.Attributes.device_id, code $.Attributes.error_code.",
                ["device_id": "aircon_1", "error_code": "E3"]) == "Device aircon_1, code E3.")
        #expect(render("Site $.Attributes['site name']!", ["site name": "North"]) == "Site North!")
        #expect(render(#"Site $.Attributes["site"]"#, ["site": "South"]) == "Site South")
    }

    @Test func unknownAttributeIsEmpty() {
        #expect(render("[$.Attributes.missing]") == "[]")
        #expect(render("[$.Unknown.Path]") == "[]")
    }

    @Test func substitutesSystemValues() {
        #expect(
            render("$.ContactId $.StoredCustomerInput $.CustomerEndpoint.Address $.SystemEndpoint.Address $.Queue.Name")
                == "c-1 42 +15550100 +15550199 support")
    }

    @Test func keepsTextThatIsNotAReference() {
        #expect(render("costs $5 or $.5, $ alone, $.") == "costs $5 or $.5, $ alone, $.")
        #expect(render("ticket $.Attributes.unique_id. Next", ["unique_id": "u-1"]) == "ticket u-1. Next")
    }

    @Test func escapesValuesInSSML() {
        #expect(
            render("<speak>$.Attributes.title</speak>", ["title": "A & <B>"], ssml: true)
                == "<speak>A &amp; &lt;B&gt;</speak>")
    }

    @Test func cutsLongResults() {
        let text = ContactFlowText("$.Attributes.long").render(
            attributes: ["long": String(repeating: "é", count: 100)], system: [:], maximumBytes: 11)
        #expect(text == String(repeating: "é", count: 5))
    }

    @Test func operatorsCompare() {
        #expect(ContactFlowOperator.equals.evaluate("1", "1"))
        #expect(ContactFlowOperator.equals.evaluate("1.0", "1"))
        #expect(!ContactFlowOperator.equals.evaluate("a", "b"))
        #expect(ContactFlowOperator.numberGreaterThan.evaluate("10", "9"))
        #expect(!ContactFlowOperator.numberGreaterThan.evaluate("abc", "9"))
        #expect(ContactFlowOperator.numberLessThan.evaluate("-1", "0"))
        #expect(ContactFlowOperator.numberGreaterOrEqualTo.evaluate("5", "5"))
        #expect(ContactFlowOperator.numberLessOrEqualTo.evaluate("4.5", "5"))
        #expect(ContactFlowOperator.textStartsWith.evaluate("E3-high", "E3"))
        #expect(ContactFlowOperator.textEndsWith.evaluate("aircon_1", "_1"))
        #expect(ContactFlowOperator.textContains.evaluate("compressor failure", "ssor"))
    }
}
