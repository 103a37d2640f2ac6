import Foundation

/// Guides for the runbook planner tests, inline (the reference guide is a shared fixture file).
enum RunbookGuides {
    /// The reference troubleshooting guide, from the repository's shared test fixtures.
    static let reference = sharedFixture("troubleshooting-guide.md")

    /// Markdown with a setext title, "### F07 – …" headings, bold labels and bulleted lists.
    static let heatPump = """
        Heat Pump Service Manual
        ========================

        Codes reported by the HP-200 controller. Each fault lists what the technician checks and how
        the monitoring system responds.

        ### F07 – Compressor overheat

        **Category:** thermal
        **Priority:** critical

        **Steps to troubleshoot**
        - Measure the discharge temperature.
        - Check the condenser fan (it must spin freely).
        - Inspect the refrigerant charge.

        **What the system does**
        1) Open a maintenance ticket and e-mail it to the site owner.
        2) Phone the site operator.
        3) Nothing else.

        ### F08 – Water flow low

        **Category:** hydraulic
        **Priority:** low

        **Diagnosis**
        * Check the strainer.
        * Bleed air from the circuit.

        **Response**
        * Create an incident.
        * Reset the fault on the unit remotely.
        * Do not call the operator.

        ### F70 – Sensor drift
        **Category:** sensor
        **Diagnosis:** Recalibrate the outdoor sensor.
        """

    /// Plain text as `pdftotext -layout` prints it: a capitals title, code lines as headings, aligned
    /// values and a wrapped line.
    static let chiller = """
                         CHILLER CONTROLLER - ALARM REFERENCE

        Alarm ERR-12 (fan stalled)
           Severity:     High
           Diagnosis:    1. Check the fan motor fuse. 2. Check the fan
                         bearings for wear. 3. Measure the supply voltage.
           Escalation:   Raise a work order, then page the facility manager.

        Alarm ERR-13 (filter clogged)
           Severity:     Low
           Diagnosis:    Replace the filter cartridge.
           Escalation:   File a ticket. No call is needed.

        Alarm ERR-1 (probe fault)
           Severity:     Medium
           Diagnosis:    Reseat the probe connector.
           Escalation:   Log a ticket and acknowledge the alarm remotely.

                                                                         Page 1
        """

    /// Numbered headings ("4.1 P4 …"), a code field, lettered steps and a guide order that clears the
    /// fault before the ticket.
    static let pumpStation = """
        4 Fault codes

        4.1 P4 Pump dry-run
        Code: P4
        Fault type: dry_run
        Severity: high
        Technician actions:
        a) Check the tank level.
        b) Prime the pump.
        System actions:
        - Send a clear_fault command to the pump.
        - Then log the fault.

        4.2 P40 Pressure sensor open circuit
        Fault type: sensor
        Severity: medium
        Resolution: Replace the sensor.
        Actions: None.

        4.3 P41 Motor overload
        Severity: high
        Actions: If the motor trips twice, call the operator; otherwise clear the fault and log a ticket.
        """
}

/// A file of `Tests/Fixtures`, the test data that several test targets share.
func sharedFixture(_ name: String, sourceFile: String = #filePath) -> String {
    let url = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        fatalError("the shared test fixture \(url.path) is missing")
    }
    return text
}
