import Testing

@Suite struct ExploreTests {
    @Test func explore() async throws {
        let world = try await ChatTestWorld()
        let questions = [
            "tell me about aircon_1", "details of aircon 2", "status of aircon_3", "AIRCON_1?", "what's up with aircon1",
            "what does E2 mean?", "error e3", "explain code CH-101", "W1?",
            "show me ticket \(world.anomalyTicket.uniqueID)", "\(world.chillerTicket.uniqueID)",
            "has ticket \(world.resolvedTicket.uniqueID) been resolved?",
            "list open tickets", "any open tickets?", "show acknowledged tickets", "resolved tickets for aircon_1",
            "what's broken?", "anything wrong?", "current alarms",
            "avg power aircon_3 last 2h", "what was the highest indoor temperature of aircon_2 in the past 3 hours",
            "average temprature of aircon_1", "lowest flow of unit-7 today", "temperature of aircon_4",
            "average power of aircon_3 yesterday", "power of aircon_9",
            "tell me about the device aircon_1", "and its pressure?", "what about aircon_4?", "and aircon_2?",
            "and the average over the last 3 hours?", "tickets of aircon_3", "and aircon_2?",
            "what causes a stalled condenser fan?", "how should I bleed air from the water loop?",
            "what is the mode of aircon_1?", "compressor status of aircon_2 in the last hour",
            "tell me about it", "hello",
        ]
        for q in questions {
            let a = try await world.ask(q)
            print("### Q: \(q)\n[\(a.intent) grounded=\(a.grounded)]\n\(a.answer)\nFACTS: \(a.facts.map { "\($0.kind.rawValue) \($0.source)" })\n")
        }
    }
}
