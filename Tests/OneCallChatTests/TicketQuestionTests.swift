import OneCallChat
import Testing

@Suite("Ticket questions")
struct TicketQuestionTests {
    @Test func aDeviceAndTicketGiveTheTicketItsWindowAndTheStepsNeverRun() async throws {
        let world = try await ChatTestWorld()
        let id = world.lowPressureTicket.uniqueID
        let answer = try await world.ask("Please tell me about the device aircon_2, unique id \(id)")
        #expect(answer.intent == "device_ticket")
        #expect(answer.grounded)
        let text = answer.answer
        #expect(text.contains("error code **E2**"))
        #expect(text.contains("Status: **open**"))
        #expect(text.contains("2 occurrences"))
        #expect(text.contains("`log_ticket` — **done**"))
        #expect(text.contains("`clear_fault` — **pending**"))
        #expect(text.contains("last error: broker away"))
        // No anomaly window: the hour before the ticket (08:30), 13 readings.
        #expect(text.contains("the hour before the ticket (2025-10-09 07:30:00 UTC – 2025-10-09 08:30:00 UTC)"))
        #expect(text.contains("13 readings"))
        #expect(text.contains("`refrigerant_pressure_psi`: avg"))
        #expect(text.contains("`mode`: mostly cool"))
        #expect(text.contains("never run"))
        #expect(text.contains("1. Look for refrigerant leaks."))
        #expect(answer.facts.map(\.kind) == [.ticket, .telemetry])
    }

    @Test func anAnomalyTicketSummarisesItsWindowAndItsCalls() async throws {
        let world = try await ChatTestWorld()
        let id = world.anomalyTicket.uniqueID
        let answer = try await world.ask("device aircon_3 ticket \(id.uppercased())")
        #expect(answer.intent == "device_ticket")
        let text = answer.answer
        #expect(text.contains("the anomaly window 2025-10-09 06:00:00 UTC – 2025-10-09 07:00:00 UTC"))
        #expect(text.contains("`power_consumption_watts`: avg 1530 W, min 1524 W, max 1536 W (13)"))
        #expect(text.contains("Acknowledged at 2025-10-09 07:03:40 UTC by Bo"))
        #expect(text.contains("`call-w1` to Customer 3 (+15550000003): **acknowledged**, 2 attempts"))
        #expect(text.contains("attempt 1: no_answer"))
        #expect(text.contains("attempt 2: acknowledged at 2025-10-09 07:03:20 UTC (Bo), pressed 1"))
        #expect(text.contains("2. Clean or replace the air filters."))
        #expect(answer.facts.contains { $0.kind == .call && $0.source == "calls/call-w1" })
    }

    @Test func aTicketOfAnotherDeviceOrNoTicketIsSaid() async throws {
        let world = try await ChatTestWorld()
        let other = try await world.ask(
            "Please tell me about the device aircon_1, unique id \(world.lowPressureTicket.uniqueID)")
        #expect(other.answer.contains("is not a ticket of `aircon_1`"))
        #expect(other.answer.contains("belongs to `aircon_2`"))
        #expect(!other.grounded)
        let missing = try await world.ask(
            "Please tell me about the device aircon_2, unique id 00000000-0000-4000-8000-000000000000")
        #expect(missing.answer == "No ticket `00000000-0000-4000-8000-000000000000` is stored.")
        #expect(!missing.grounded)
    }

    @Test func aCodeOnADeviceGivesThatDevicesTicketOrSaysThereIsNone() async throws {
        let world = try await ChatTestWorld()
        let onDevice = try await world.ask("tell me about E2 on aircon_2")
        #expect(onDevice.intent == "device_ticket")
        #expect(onDevice.answer.contains(world.lowPressureTicket.uniqueID), "\(onDevice.answer)")
        #expect(onDevice.facts.contains { $0.source == "tickets/\(world.lowPressureTicket.uniqueID)" })
        // Another device with no ticket for the code: said so, then the code from the guide.
        let elsewhere = try await world.ask("what about error E2 on aircon_4?")
        #expect(elsewhere.answer.contains("has no ticket for"), "\(elsewhere.answer)")
        #expect(elsewhere.facts.contains { $0.kind == .knowledge }, "\(elsewhere.facts)")
        #expect(!elsewhere.facts.contains { $0.kind == .ticket })
    }

    @Test func statusQuestionsAnswerYesOrNoFirst() async throws {
        let world = try await ChatTestWorld()
        let status = try await world.ask("status of ticket \(world.lowPressureTicket.uniqueID)")
        #expect(status.intent == "ticket_status")
        #expect(status.answer.contains("`aircon_2` **E2**"))
        #expect(status.answer.contains(", open,"))

        let acknowledged = try await world.ask("Is ticket \(world.anomalyTicket.uniqueID) acknowledged?")
        #expect(acknowledged.answer.hasPrefix("Yes — ticket"))
        #expect(acknowledged.answer.contains("by Bo"))

        let notYet = try await world.ask("has \(world.lowPressureTicket.uniqueID) been acknowledged yet")
        #expect(notYet.answer.hasPrefix("No — ticket"))

        let resolved = try await world.ask("was ticket \(world.resolvedTicket.uniqueID) resolved?")
        #expect(resolved.answer.hasPrefix("Yes — ticket"))
        #expect(resolved.answer.contains("cleaned the coil"))

        let unknown = try await world.ask("status of ticket 00000000-0000-4000-8000-000000000000")
        #expect(unknown.answer.contains("is stored"))
        #expect(!unknown.grounded)
    }

    @Test func listsOfTicketsFollowTheFilterAsked() async throws {
        let world = try await ChatTestWorld()
        let open = try await world.ask("open tickets")
        #expect(open.intent == "ticket_list")
        #expect(open.answer.hasPrefix("**3 unresolved tickets**"))
        // Newest first: CH-101 (08:45), E2 (08:30), W1 (07:00).
        let ids = [world.chillerTicket, world.lowPressureTicket, world.anomalyTicket].map(\.uniqueID)
        #expect(open.facts.map(\.source) == ids.map { "tickets/\($0)" })

        let acknowledged = try await world.ask("show acknowledged tickets")
        #expect(acknowledged.facts.map(\.source) == ["tickets/\(world.anomalyTicket.uniqueID)"])

        let ofDevice = try await world.ask("tickets of aircon_1")
        #expect(ofDevice.answer.contains(world.resolvedTicket.uniqueID))
        #expect(ofDevice.answer.contains("resolved"))

        let none = try await world.ask("open tickets for unit-7")
        #expect(none.answer == "There are no unresolved tickets of `unit-7`.")
    }
}
