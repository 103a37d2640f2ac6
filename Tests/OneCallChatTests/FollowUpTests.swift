import OneCallChat
import Testing

@Suite("Follow-up questions")
struct FollowUpTests {
    @Test func aSessionKeepsTheDeviceFieldWindowAndIntent() async throws {
        let world = try await ChatTestWorld()
        let device = try await world.ask("Please tell me about the device aircon_2")
        #expect(device.intent == "device")

        let pressure = try await world.ask("and its pressure?")
        #expect(pressure.intent == "telemetry")
        #expect(
            pressure.answer
                == "The latest `refrigerant_pressure_psi` of `aircon_2` is **55 psi**, at 2025-10-09 09:00:00 UTC.")

        let window = try await world.ask("what about the last 2 hours?")
        #expect(window.answer.contains("**`aircon_2`** over the last 2 hours"))
        #expect(window.answer.contains("`refrigerant_pressure_psi`: avg"))
        #expect(window.answer.contains("25 readings"))

        let maximum = try await world.ask("and the max?")
        #expect(maximum.answer.contains("maximum `refrigerant_pressure_psi` of `aircon_2` over the last 2 hours"))
        #expect(maximum.answer.contains("**183 psi**"))

        let other = try await world.ask("and aircon_3?")
        #expect(other.answer.contains("maximum `refrigerant_pressure_psi` of `aircon_3` over the last 2 hours"))

        let noReadings = try await world.ask("what about aircon_4?")
        #expect(noReadings.answer == "No readings of `aircon_4` are stored.")
    }

    @Test func aListFollowUpListsTheOtherDevicesTickets() async throws {
        let world = try await ChatTestWorld()
        _ = try await world.ask("tickets of aircon_3")
        let next = try await world.ask("and aircon_2?")
        #expect(next.intent == "ticket_list")
        #expect(next.facts.map(\.source) == ["tickets/\(world.lowPressureTicket.uniqueID)"])
    }

    @Test func aFreshQuestionAboutADeviceIsNotTakenForAFollowUp() async throws {
        let world = try await ChatTestWorld()
        let statistic = try await world.ask("what's the average pressure?")
        #expect(statistic.answer.hasPrefix("Which device do you mean?"))
        _ = try await world.ask("tickets")
        let fresh = try await world.ask("Is aircon_2 ok?")
        #expect(fresh.intent == "device")
        // With a device in the conversation, the same question is about it.
        let followUp = try await world.ask("what's the average pressure?")
        #expect(followUp.answer.contains("average `refrigerant_pressure_psi` of `aircon_2`"))
    }

    @Test func aTicketQuestionLeavesItsDeviceInContext() async throws {
        let world = try await ChatTestWorld()
        _ = try await world.ask("is ticket \(world.chillerTicket.uniqueID) acknowledged?")
        let answer = try await world.ask("tell me about it")
        #expect(answer.intent == "device")
        #expect(answer.facts.first?.source == "devices/chiller-north")
    }

    @Test func sessionsDoNotShareContext() async throws {
        let world = try await ChatTestWorld()
        _ = try await world.ask("tell me about aircon_1", session: "ana")
        let other = try await world.ask("and its pressure?", session: "bo")
        #expect(other.intent == "device")
        #expect(other.answer.hasPrefix("Which device do you mean?"))
        #expect(!other.grounded)
        let same = try await world.ask("and its pressure?", session: "ana")
        #expect(same.answer.contains("`aircon_1`"))
    }
}
