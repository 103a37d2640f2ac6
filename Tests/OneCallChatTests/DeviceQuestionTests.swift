import OneCallChat
import Testing

@Suite("Device questions")
struct DeviceQuestionTests {
    @Test func theReferencePhrasingGivesLocationOwnerStateAndOpenTickets() async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask("Please tell me about the device aircon_2")
        #expect(answer.intent == "device")
        #expect(answer.grounded)
        for part in ["Street 2", "City 2", "CA 90002", "US", "Customer 2", "+15550000002", "**E2**", "55 psi"] {
            #expect(answer.answer.contains(part), "missing \(part)")
        }
        #expect(answer.answer.contains("2025-10-09 09:00:00 UTC"))
        #expect(answer.answer.contains(world.lowPressureTicket.uniqueID))
        #expect(answer.facts.map(\.kind) == [.device, .telemetry, .ticket])
        #expect(answer.facts[0].source == "devices/aircon_2")
        #expect(answer.facts[2].source == "tickets/\(world.lowPressureTicket.uniqueID)")
    }

    @Test(arguments: ["info on aircon_1", "Tell me about AIRCON_1!", "details of aircon 1", "status of aircon1?"])
    func variantsNameTheSameDevice(_ message: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "device")
        #expect(answer.facts.first?.source == "devices/aircon_1")
        #expect(answer.answer.contains("No error"))
        // The resolved E1 ticket is not an open one.
        #expect(answer.answer.contains("**Open tickets:** none."))
        #expect(!answer.answer.contains(world.resolvedTicket.uniqueID))
    }

    @Test func otherDeviceTypesShowTheirOwnFieldsAndAlarm() async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask("what's up with chiller-north?")
        #expect(answer.intent == "device")
        #expect(answer.answer.contains("Bergen"))
        #expect(answer.answer.contains("Harbour Cold Storage"))
        #expect(answer.answer.contains("**CH-101**"))
        #expect(answer.answer.contains("`condenser_pressure_kpa` 900 kPa"))
        #expect(answer.answer.contains(world.chillerTicket.uniqueID))
    }

    @Test func aRegisteredDeviceWithoutReadingsSaysSo() async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask("tell me about the device aircon_4")
        #expect(answer.answer.contains("no readings are stored"))
        #expect(answer.facts.map(\.kind) == [.device])
    }

    @Test(arguments: ["Please tell me about the device aircon_9", "tell me about unit pump-12"])
    func anUnknownDeviceIsNotInvented(_ message: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "device")
        #expect(!answer.grounded)
        #expect(answer.facts.isEmpty)
        #expect(answer.answer.contains("I know no device"))
    }
}
