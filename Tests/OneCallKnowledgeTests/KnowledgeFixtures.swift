import OneCallKnowledge

/// Guides written for the tests: the reference air-conditioner guide and others that word, format and
/// number their codes differently.
enum KnowledgeFixtures {
    /// The reference guide, as the reference architecture's knowledge base has it.
    static let referenceGuide = """
        # Air conditioner fault codes

        A unit that runs normally reports `"error_code": "None"` in every telemetry message.
        Each section below covers one code: what the fault is, what it does to the unit,
        how a technician troubleshoots it, and which actions the system takes on its own.
        The actions are listed in order; nothing outside the list is done.

        ## Error Code: E1
        Fault type: high_temperature
        Severity: medium
        Effect on the unit: the indoor temperature rises sharply, 5 to 10 °C above normal.
        Troubleshooting steps: 1. Check that the compressor runs. 2. Check the refrigerant pressure. 3. Inspect the filter and make sure air flows freely.
        Actions: 1. Log a ticket. No further action.

        ## Error Code: E2
        Fault type: low_pressure
        Severity: medium
        Effect on the unit: the refrigerant pressure falls toward the lower limit (50 to 60 PSI).
        Troubleshooting steps: 1. Look for refrigerant leaks. 2. Check that the refrigerant charge is right. 3. Listen to the compressor for unusual noise or vibration.
        Actions: 1. Log a ticket. 2. Clear the fault on the device. No further action.

        ## Error Code: E3
        Fault type: compressor_failure
        Severity: high
        Effect on the unit: the compressor stays off and power consumption drops to 0 W.
        Troubleshooting steps: 1. Check the power supply to the compressor. 2. Measure the compressor windings' resistance. 3. Test the capacitor and the relay.
        Actions: 1. Log a ticket. 2. Call the site operator. No further action.

        ## Error Code: W1
        Fault type: high_electricity_consumption
        Severity: high
        Effect on the unit: a warning raised by anomaly detection when power consumption stays abnormally high (above about 1200 W) for a sustained share of the evaluation period.
        Troubleshooting steps: 1. Check the thermostat settings. 2. Clean or replace the air filters. 3. Inspect and seal the ductwork. 4. Clean the evaporator and condenser coils. 5. Look for refrigerant leaks.
        Actions: 1. Log a ticket. 2. Call the site operator. No further action.
        """

    static func reference() throws -> KnowledgeDocument {
        try KnowledgeDocument(name: "aircon-fault-codes.md", text: referenceGuide, format: .markdown)
    }

    /// Setext headings, codes E1, E10 and E12 side by side, bulleted actions in other words.
    static let rooftopGuide = """
        Rooftop unit RTU-9 fault guide
        ==============================

        Codes shown on the controller display. E1 and E10 are unrelated faults.

        Fault E10 - Condenser fan stall
        -------------------------------
        Severity: high
        Troubleshooting:
        - Check the fan capacitor.
        - Check the fan motor bearings.
        System actions:
        - Create an incident
        - Ring the on-call technician

        Fault E1 - Supply air sensor open
        ---------------------------------
        Severity: low
        Troubleshooting:
        - Check the sensor connector.
        - Measure the sensor resistance (10 kΩ at 25 °C).
        What the system does:
        - Open a maintenance ticket
        - Reset the fault on the unit
        - Nothing else.

        Fault E12 - Defrost timeout
        ---------------------------
        Severity: medium
        Troubleshooting:
        1. Check the defrost heater.
        2. Check the defrost thermostat.
        Automated response: No action required.
        """

    /// `###` headings with dashed codes, bold field names, numbered actions with a line between them, an
    /// unknown phrase and a prohibition.
    static let boilerGuide = """
        # Boiler controller BX-2

        ## Faults

        ### ERR-104 — Flue overheat
        **Severity:** critical
        **Fault type:** flue_overheat

        #### Troubleshooting
        1. Check the flue for blockage.
        2. Verify the flue sensor against a reference thermometer.

        #### Automated actions
        1. Raise a ticket with the maintenance contractor.
        2. Send a reset command to the controller.
        Then phone the site operator.
        3. Send a carrier pigeon.

        ### ERR-10 — Ignition lockout
        Severity: high
        Automated actions: File a work order, then notify the owner by phone. Do not clear the fault remotely.

        ## Contacts
        The service desk answers around the clock.
        """

    /// A Markdown table with one row per code.
    static let pumpGuide = """
        # Pump station PS-3 alarm table

        | Code | Fault | Severity | Response |
        |------|-------|----------|----------|
        | P-07 | Dry run | high | Open a maintenance ticket; phone the site operator |
        | P-17 | Seal leak | medium | Log a ticket, reset the alarm on the unit |
        | P-70 | Sensor drift | low | None |

        Pump alarms P-07 and P-17 latch until they are cleared.
        """

    /// Plain text as extracted from a Word file: label headings ending with a colon.
    static let heaterGuide = """
        HVAC CONTROLLER FAULT GUIDE

        Revision 3 for field technicians.

        Code HT2:
        Description: Heater thermal cut-out tripped
        Severity: high
        Troubleshooting:
        1. Let the heater cool for 30 minutes.
        2. Check the thermal fuse.
        Automated response:
        - Open a maintenance ticket
        Then phone the site operator.

        Code HT20:
        Description: Humidifier tank empty
        Severity: low
        Automated response:
        - Log an incident.
        - Clear the error on the controller.
        """

    /// Plain text whose codes are not headings at all, and a code with no action list.
    static let chillerGuide = """
        Chiller CH-1 notes

        Warning W7
        Severity: low
        The chiller reports W7 when the water flow drops.
        Actions: Log a ticket.

        Warning W8
        Severity: medium
        Inspect the strainer and the flow switch.
        """

    static func document(_ name: String, _ text: String, _ format: KnowledgeFormat = .markdown) throws
        -> KnowledgeDocument
    {
        try KnowledgeDocument(name: name, text: text, format: format)
    }

    /// Every guide of the fixtures, with its name and format.
    static let all: [(name: String, text: String, format: KnowledgeFormat)] = [
        ("aircon-fault-codes.md", referenceGuide, .markdown),
        ("rtu-9.md", rooftopGuide, .markdown),
        ("bx-2.md", boilerGuide, .markdown),
        ("ps-3.md", pumpGuide, .markdown),
        ("hvac-controller.txt", heaterGuide, .plainText),
        ("ch-1.txt", chillerGuide, .plainText),
    ]
}
