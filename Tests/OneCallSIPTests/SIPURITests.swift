import OneCallSIP
import Testing

@Suite("SIP URIs, addresses, Via and CSeq")
struct SIPURITests {
    @Test(
        "URIs round-trip",
        arguments: [
            "sip:alice@example.com",
            "sips:alice:secret@example.com:5061;transport=tls",
            "sip:+15551234567@gw.example.com;user=phone",
            "sip:example.com",
            "sip:bob@[2001:db8::1]:5070;lr",
            "sip:alice;day=tuesday@example.com",
            "sip:carol@chicago.example.com?Subject=hi&Priority=urgent",
            "sip:127.0.0.1:5062;lr;maddr=10.0.0.1",
        ])
    func roundTrip(_ text: String) throws {
        #expect(try SIPURI(parsing: text).description == text)
    }

    @Test("the parts of a URI")
    func parts() throws {
        let uri = try SIPURI(parsing: "SIPS:bob:pw@[2001:db8::1]:5070;transport=tls;lr?h=v")
        #expect(uri.isSecure)
        #expect(uri.user == "bob")
        #expect(uri.password == "pw")
        #expect(uri.host == "2001:db8::1")
        #expect(uri.port == 5070)
        #expect(uri.parameters["TRANSPORT"] == "tls")
        #expect(uri.parameters.contains("lr"))
        #expect(uri.headers == "h=v")
        let built = SIPURI(user: "+15551234567", host: "example.com", port: 5060)
        #expect(built.description == "sip:+15551234567@example.com:5060")
    }

    @Test(
        "malformed URIs are refused",
        arguments: [
            "", "tel:+15551234567", "http://example.com", "sip:", "sip:@example.com", "sip:bob@", "sip:bob@host:0",
            "sip:bob@host:65536", "sip:bob@host:+5", "sip:bob@ho st", "sip:bob@[::1", "sip:bob@host;=x",
            "sip:bob@<host>",
        ])
    func malformed(_ text: String) {
        #expect(throws: SIPError.self) { try SIPURI(parsing: text) }
    }

    @Test("name-addr and addr-spec forms")
    func nameAddress() throws {
        let quoted = try SIPNameAddress(
            parsing: "\"Smith, \\\"Bob\\\"\" <sip:bob@example.com;transport=udp>;tag=a6c85cf")
        #expect(quoted.displayName == "Smith, \"Bob\"")
        #expect(quoted.uri.parameters["transport"] == "udp")
        #expect(quoted.tag == "a6c85cf")
        #expect(quoted.description == "\"Smith, \\\"Bob\\\"\" <sip:bob@example.com;transport=udp>;tag=a6c85cf")

        let token = try SIPNameAddress(parsing: "Bob <sip:bob@example.com>")
        #expect(token.displayName == "Bob")
        #expect(token.tag == nil)

        let spec = try SIPNameAddress(parsing: "sip:bob@example.com;tag=887s")
        #expect(spec.displayName == nil)
        #expect(spec.uri.parameters.isEmpty)
        #expect(spec.tag == "887s")

        var address = SIPNameAddress(uri: SIPURI(user: "a", host: "b.example.com"))
        address.tag = "t1"
        #expect(address.description == "<sip:a@b.example.com>;tag=t1")
        address.tag = nil
        #expect(address.description == "<sip:a@b.example.com>")

        for bad in ["", "<sip:bob@example.com", "\"Bob <sip:bob@example.com>", "Bob <tel:123>", "<sip:a@b>;tag"] {
            if bad == "<sip:a@b>;tag" {
                #expect(try SIPNameAddress(parsing: bad).parameters.contains("tag"))
            } else {
                #expect(throws: SIPError.self) { try SIPNameAddress(parsing: bad) }
            }
        }
    }

    @Test("Via values")
    func via() throws {
        let via = try SIPVia(
            parsing: "SIP / 2.0 / UDP pc33.example.com:5066 ;branch=z9hG4bK776asdhds;rport;received=192.0.2.4")
        #expect(via.transport == "UDP")
        #expect(via.host == "pc33.example.com")
        #expect(via.port == 5066)
        #expect(via.branch == "z9hG4bK776asdhds")
        #expect(via.parameters.contains("rport"))
        #expect(via.parameters["received"] == "192.0.2.4")
        let made = SIPVia(host: "10.0.0.1", port: 5060, branch: "z9hG4bKabc")
        #expect(made.description == "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc")
        #expect(try SIPVia(parsing: made.description) == made)
        for bad in ["SIP/2.0/UDP", "SIP/1.0/UDP host", "HTTP/2.0/UDP host", "SIP/2.0/UDP ;branch=x"] {
            #expect(throws: SIPError.self) { try SIPVia(parsing: bad) }
        }
    }

    @Test("CSeq values")
    func cseq() throws {
        #expect(try SIPCSeq(parsing: " 4711   INVITE ") == SIPCSeq(4711, .invite))
        #expect(SIPCSeq(2, .bye).description == "2 BYE")
        for bad in ["", "INVITE", "1", "1 INVITE x", "-1 INVITE", "2147483648 INVITE", "1 INV/ITE"] {
            #expect(throws: SIPError.self) { try SIPCSeq(parsing: bad) }
        }
    }

    @Test("parameters keep order and spelling")
    func parameters() throws {
        var parameters = try SIPParameters(parsing: ";a=1;Flag;b=\"x;y\"")
        #expect(parameters["A"] == "1")
        #expect(parameters["b"] == "x;y")
        #expect(parameters.contains("flag"))
        #expect(parameters.description == ";a=1;Flag;b=\"x;y\"")
        parameters.set("a", "2")
        parameters.remove("flag")
        #expect(parameters.description == ";a=2;b=\"x;y\"")
        #expect(throws: SIPError.self) { try SIPParameters(parsing: "a=1") }
        #expect(throws: SIPError.self) { try SIPParameters(parsing: ";b=\"open") }
    }
}
