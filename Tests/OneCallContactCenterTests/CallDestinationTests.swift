import Testing

@testable import OneCallContactCenter

@Suite struct CallDestinationTests {
    @Test func acceptsE164() throws {
        #expect(try PhoneNumber("+15551234567").e164 == "+15551234567")
        #expect(try PhoneNumber(" +44 ".replacingOccurrences(of: " ", with: "")).e164 == "+44")
        #expect(try PhoneNumber("+123456789012345").e164.count == 16)
    }

    @Test(arguments: [
        ("", CallDestinationError.Code.empty), ("15551234567", .missingPlus), ("+1 555 123", .invalidCharacter),
        ("+1-555", .invalidCharacter), ("+0123", .leadingZero), ("+1", .tooShort), ("+1234567890123456", .tooLong),
    ])
    func refusesMalformedNumbers(text: String, code: CallDestinationError.Code) {
        #expect(throws: CallDestinationError(code: code, text: text)) { try PhoneNumber(text) }
    }

    @Test func errorDescriptionDoesNotRepeatTheNumber() {
        let error = CallDestinationError(code: .missingPlus, text: "5551234")
        #expect(!error.description.contains("5551234"))
        #expect(error.debugDescription.contains("5551234"))
    }

    @Test func acceptsSIPURIs() throws {
        #expect(try CallDestination("sip:ops@pbx.example.com") == .sip("sip:ops@pbx.example.com"))
        #expect(try CallDestination("sips:ops@pbx.example.com:5061").address == "sips:ops@pbx.example.com:5061")
        #expect(try CallDestination("SIP:100@10.0.0.1") == .sip("SIP:100@10.0.0.1"))
        #expect(try CallDestination("+15550100") == .phone(try PhoneNumber("+15550100")))
        for bad in ["sip:", "sip:user@", "sip:has space@host", "sips:@host"] {
            #expect(throws: CallDestinationError.self) { try CallDestination(bad) }
        }
    }
}
