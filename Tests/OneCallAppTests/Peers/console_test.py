"""The web console in a real browser (headless Chromium through Selenium), against a running
OneCall with one simulated air conditioner: the device shows up with its readings, a question in
the chat gets its answer, a fault injected from the device's row becomes a ticket, the ticket is
acknowledged from its row, and the page fits a phone's width.

    python3 console_test.py URL DEVICE [USERNAME PASSWORD]

With a user name, the console must first ask the operator to sign in: a wrong password is refused
on the page, the right one lets it in.
"""
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def wait(what, predicate, timeout=30.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # the page is being redrawn
            last = error
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last error: {last})")


def main():
    url, device = sys.argv[1], sys.argv[2]
    credentials = sys.argv[3:5] if len(sys.argv) >= 5 else None
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(url + "/")
        assert "OneCall" in driver.title, driver.title
        if credentials:
            wait("the sign-in form", lambda: driver.find_element(By.ID, "signin").is_displayed())
            driver.find_element(By.ID, "username").send_keys(credentials[0])
            driver.find_element(By.ID, "password").send_keys(credentials[1] + "-wrong")
            driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
            wait("the refusal", lambda: "Wrong" in driver.find_element(By.ID, "signin-error").text)
            password = driver.find_element(By.ID, "password")
            password.clear()
            password.send_keys(credentials[1])
            driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
            wait("the console", lambda: not driver.find_element(By.ID, "signin").is_displayed())
            assert credentials[0] in driver.find_element(By.ID, "who").text
        wait("the device row", lambda: device in driver.find_element(By.CSS_SELECTOR, "#devices tbody").text)
        wait("a reading", lambda: "power" in driver.find_element(
            By.CSS_SELECTOR, f'tr[data-device-row="{device}"]').text)
        wait("the device's shadow", lambda: "shadow v" in driver.find_element(
            By.CSS_SELECTOR, f'tr[data-device-row="{device}"]').text)

        question = driver.find_element(By.ID, "question")
        question.send_keys(f"Please tell me about the device {device}")
        driver.find_element(By.CSS_SELECTOR, "#ask button[type=submit]").click()
        answer = wait("the chat's answer", lambda: next(
            (m for m in driver.find_elements(By.CSS_SELECTOR, ".msg.bot")
             if device in m.text and "Site owner" in m.text), None))
        print("answer:", answer.text.splitlines()[0], "via", answer.get_attribute("data-via"))
        # The page is live: the answer came over the websocket, not the REST fallback.
        assert answer.get_attribute("data-via") == "websocket", answer.get_attribute("data-via")
        wait("the live status", lambda: "live" in driver.find_element(By.ID, "status").text)

        driver.find_element(
            By.CSS_SELECTOR, f'button[data-device="{device}"][data-fault="compressor_failure"]').click()
        row = f'#tickets tr[data-code="E3"]'
        wait("the E3 ticket", lambda: driver.find_elements(By.CSS_SELECTOR, row), timeout=40)
        wait("the acknowledge button", lambda: driver.find_element(
            By.CSS_SELECTOR, row + ' button[data-do="acknowledge"]')).click()
        wait("the ticket acknowledged", lambda: "acknowledged" in driver.find_element(By.CSS_SELECTOR, row).text)

        driver.set_window_size(390, 844)
        time.sleep(0.5)
        width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1] + 1, f"the page is wider than a phone: {width}"
        assert driver.find_element(By.ID, "question").is_displayed()
        question = driver.find_element(By.ID, "question")
        question.send_keys("what is wrong right now?")
        driver.find_element(By.CSS_SELECTOR, "#ask button[type=submit]").click()
        wait("the phone-sized answer", lambda: any(
            "E3" in m.text for m in driver.find_elements(By.CSS_SELECTOR, ".msg.bot")[-1:]))
        print("ok")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
