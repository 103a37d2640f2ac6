/// Guides for the runbook planner tests, inline so that the tests read nothing outside the package.
enum RunbookGuides {
    /// The reference troubleshooting guide (a copy of `data/troubleshooting-guide.md`).
    static let reference = """
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
