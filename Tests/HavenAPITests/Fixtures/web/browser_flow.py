#!/usr/bin/env python3
"""Haven's browser test: a real headless Chromium (Debian's package, driven by Selenium through
chromium-driver) walks the web interface as people would, with JavaScript on or off, in one
language, and checks every page it opens.

Usage: browser_flow.py CONFIG.json   (written by WebBrowserTests.swift; see there)

The flow: a member signs in with two-factor authentication and posts a topic, which waits for a
moderator; a moderator approves it; another member replies and uploads a document; an
administrator disables an account, which can then no longer sign in, and opens every other page of
the interface (the config's `pages`). Each step is asserted on the rendered page. Every page is checked for: the language and direction of the document, one <h1>
and a <main> landmark, a label for every field, no member name or email in the title, no
horizontal scrolling at 320 CSS pixels, no Content-Security-Policy violation or other error in
the browser console, and (with JavaScript on) axe-core's WCAG 2 A/AA and best-practice rules.

Writes one JSON report to the config's `report` path (and stdout); exits 1 with the failures listed when any check fails.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

AXE = os.path.join(os.path.dirname(__import__("axe_selenium_python").__file__), "node_modules", "axe-core", "axe.min.js")


class Failure(Exception):
    pass


def totp(secret, offset=0):
    """RFC 6238: six digits, 30-second steps, HMAC-SHA1."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    step = int(time.time()) // 30 + offset
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[start:start + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def spki_pin(certificate):
    """The base64 SHA-256 of the certificate's public key, so Chromium trusts exactly that key."""
    public = subprocess.run(["openssl", "x509", "-in", certificate, "-pubkey", "-noout"], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=public, capture_output=True, check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class Browser:
    def __init__(self, config):
        self.config = config
        self.base = config["base"].rstrip("/")
        self.language = config["language"]
        self.javascript = config["javascript"]
        self.failures = []
        self.pages = []
        self.private = [value for person in config["people"].values() for value in (person["email"], person["name"])]
        options = webdriver.ChromeOptions()
        options.binary_location = config.get("chromium", "/usr/bin/chromium")
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                         "--window-size=800,900", "--ignore-certificate-errors-spki-list=" + spki_pin(config["certificate"]),
                         "--lang=en-US"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        if not self.javascript:
            options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        self.driver = webdriver.Chrome(service=Service(config.get("chromedriver", "/usr/bin/chromedriver")), options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)
        # 320 CSS pixels wide, the narrowest screen the interface is made for.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        with open(AXE, encoding="utf-8") as file:
            self.axe = file.read()

    def close(self):
        self.driver.quit()

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
            raise Failure(message)

    # Navigation -----------------------------------------------------------------------------

    def open(self, path):
        self.driver.get(self.base + path)
        self.inspect()

    def submit(self, button):
        """Clicks a submit button and waits for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                old.tag_name
            except WebDriverException:
                break
            time.sleep(0.05)
        self.inspect()

    def fill(self, element_id, text):
        field = self.driver.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(text)

    def button(self, selector, within=None):
        return (within or self.driver).find_element(By.CSS_SELECTOR, selector)

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def query(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.driver.current_url).query)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def notice(self):
        notices = self.driver.find_elements(By.CSS_SELECTOR, "main .notice")
        return notices[0].text if notices else ""

    def alert(self):
        alerts = self.driver.find_elements(By.CSS_SELECTOR, "main [role=alert]")
        return alerts[0].text if alerts else ""

    def screenshot(self, path):
        """The whole page, 320 px wide, as a PNG."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        metrics = {"width": 320, "deviceScaleFactor": 1, "mobile": False}
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", dict(metrics, height=min(int(height), 8000)))
        self.driver.save_screenshot(path)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", dict(metrics, height=800))

    # Checks on every page -------------------------------------------------------------------

    def inspect(self):
        driver = self.driver
        name = self.path()
        self.pages.append(name)
        html = driver.find_element(By.TAG_NAME, "html")
        problems = []
        if html.get_attribute("lang") != self.language:
            problems.append("lang is %r" % html.get_attribute("lang"))
        expected_direction = "rtl" if self.language == "ar" else "ltr"
        if html.get_attribute("dir") != expected_direction:
            problems.append("dir is %r" % html.get_attribute("dir"))
        if len(driver.find_elements(By.TAG_NAME, "h1")) != 1:
            problems.append("%d <h1>" % len(driver.find_elements(By.TAG_NAME, "h1")))
        if len(driver.find_elements(By.TAG_NAME, "main")) != 1:
            problems.append("no single <main>")
        for field in driver.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]):not([type=submit]), select, textarea"):
            field_id = field.get_attribute("id")
            labelled = field.get_attribute("aria-label") or field.get_attribute("aria-labelledby") or (
                field_id and driver.find_elements(By.CSS_SELECTOR, "label[for='%s']" % field_id))
            if not labelled:
                problems.append("field %r has no label" % (field.get_attribute("name"),))
        for image in driver.find_elements(By.TAG_NAME, "img"):
            if image.get_attribute("alt") is None:
                problems.append("image without alt")
        title = driver.title
        for private in self.private:
            if private and private in title:
                problems.append("title names a member: %r" % title)
        if driver.find_elements(By.CSS_SELECTOR, "script:not([src])"):
            problems.append("inline script")
        if self.javascript:
            # The layout must fit 320 px: no sideways scrolling.
            widths = driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if widths[0] > widths[1] + 1:
                culprits = driver.execute_script(
                    "var w = document.documentElement.clientWidth; return Array.prototype.slice.call(document.querySelectorAll('main *, header *, footer *'))"
                    ".filter(function (e) { var r = e.getBoundingClientRect(); return !e.closest('.table-wrap') && (r.right > w + 1 || r.left < -1); })"
                    ".slice(-3).map(function (e) { return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''); })")
                problems.append("scrolls sideways at 320 px (%d > %d): %s" % (widths[0], widths[1], ", ".join(culprits)))
            direction = driver.execute_script("return getComputedStyle(document.body).direction")
            if direction != expected_direction:
                problems.append("computed direction %r" % direction)
            driver.execute_script(self.axe)
            violations = driver.execute_async_script(
                "var done = arguments[arguments.length - 1];"
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice']}})"
                ".then(function (r) { done(r.violations.map(function (v) {"
                "  return v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 2).map(function (n) { return n.html; }).join(' | '); })); })"
                ".catch(function (e) { done(['axe failed: ' + e]); });")
            problems += ["axe " + violation for violation in violations]
        for entry in driver.get_log("browser"):
            message = entry.get("message", "")
            # A form answered with its error status (a wrong password: 401) is the page itself, not a failed resource.
            if message.startswith(driver.current_url.split("?")[0] + " ") and "Failed to load resource" in message:
                continue
            if "Content Security Policy" in message or "Content-Security-Policy" in message or entry.get("level") == "SEVERE":
                problems.append("console: " + message[:300])
        for problem in problems:
            self.failures.append("%s: %s" % (name, problem))

    # People -----------------------------------------------------------------------------------

    def sign_in(self, who, two_factor):
        person = self.config["people"][who]
        self.open("/web/sign-in")
        self.fill("email", person["email"])
        self.fill("password", person["password"])
        self.submit(self.button("main form button[type=submit]"))
        if two_factor:
            self.check(self.path() == "/web/sign-in", "%s: the code step follows the password (at %s)" % (who, self.path()))
            self.check(self.driver.find_elements(By.ID, "code"), "%s: the code step asks for the code" % who)
            self.check(person["password"] not in self.driver.page_source, "the code step does not carry the password")
            self.fill("code", totp(person["totp_secret"], offset=person.get("totp_offset", 0)))
            self.submit(self.button("main form button[type=submit]"))
        self.check(self.path() == "/web/", "%s is signed in and home (at %s: %s)" % (who, self.path(), self.alert()))
        self.check(self.driver.find_elements(By.CSS_SELECTOR, "form[action='/web/sign-out']"), "%s: the page offers sign-out" % who)

    def sign_out(self):
        self.submit(self.button("form[action='/web/sign-out'] button"))
        self.check(self.path() == "/web/sign-in", "signed out, back at sign-in (at %s)" % self.path())

    def choose_language(self):
        """Uses the switcher on the sign-in page (a visitor's choice, kept by a cookie)."""
        # Opened as a first visit: the browser's own language (English) until the switcher is used.
        self.driver.get(self.base + "/web/sign-in")
        if self.language != "en":
            self.submit(self.button("footer button[name=lang][value='%s']" % self.language))
        html = self.driver.find_element(By.TAG_NAME, "html")
        self.check(html.get_attribute("lang") == self.language, "the switcher chose %s" % self.language)


def flow(browser):
    config = browser.config
    strings = config["strings"]
    title = config["topic_title"]
    category = config["category_id"]
    browser.choose_language()
    if browser.language == "ar":
        browser.check(browser.driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl", "Arabic pages are right-to-left")

    # 1. A member signs in with two-factor authentication and posts a topic; it waits for a moderator.
    browser.sign_in("member", two_factor=True)
    browser.open("/web/categories/%s" % category)
    browser.submit(browser.button("main a[href='/web/categories/%s/new']" % category))
    browser.fill("title", title)
    browser.fill("body", config["topic_body"])
    Select(browser.driver.find_element(By.ID, "language")).select_by_value(browser.language)
    browser.submit(browser.button("main form button[type=submit]"))
    browser.check(browser.path().startswith("/web/topics/"), "posting leads to the topic (at %s: %s)" % (browser.path(), browser.alert()))
    browser.check(browser.query().get("done") == ["topic-pending"], "the topic waits for a moderator: %s" % browser.query())
    browser.check(strings["notice_topic_pending"] in browser.notice(), "the page says it waits: %r" % browser.notice())
    topic_path = browser.path()
    browser.sign_out()

    # 2. A moderator approves it.
    browser.sign_in("moderator", two_factor=True)
    browser.open("/web/moderation")
    queued = [article for article in browser.driver.find_elements(By.CSS_SELECTOR, "article.queued") if title in article.text]
    browser.check(queued, "the topic is in the moderation queue")
    browser.submit(browser.button("button[name=decision][value=approve]", within=queued[0]))
    browser.check(browser.query().get("done") == ["post-approved"], "approved: %s" % browser.query())
    browser.check(title not in browser.text(), "the approved post left the queue")
    browser.sign_out()

    # 3. Another member reads it, replies, and uploads a document.
    browser.sign_in("other", two_factor=False)
    browser.open(topic_path)
    browser.check(title in browser.text(), "the other member sees the approved topic")
    browser.fill("reply-body", config["reply_body"])
    browser.submit(browser.button("form:has(#reply-body) button[type=submit]"))
    browser.check(browser.query().get("done", [""])[0] in ("reply-posted", "reply-pending"), "the reply is taken: %s" % browser.query())
    browser.check(config["reply_body"] in browser.text(), "the reply shows on the topic page")
    screenshot = os.path.join(config["artefacts"], "topic-%s-%s.png" % (browser.language, "js" if browser.javascript else "nojs"))
    browser.screenshot(screenshot)
    post_ids = [article.get_attribute("id")[len("post-"):] for article in browser.driver.find_elements(By.CSS_SELECTOR, "article.post[id^='post-']")]
    browser.open("/web/documents/new")
    browser.driver.find_element(By.ID, "file").send_keys(config["document_path"])
    browser.fill("title", config["document_title"])
    Select(browser.driver.find_element(By.ID, "language")).select_by_value(browser.language)
    space = Select(browser.driver.find_element(By.ID, "space"))
    space.select_by_value("organisation:" + config["organisation_id"])
    browser.submit(browser.button("main form button[type=submit]"))
    browser.check(browser.path().startswith("/web/documents/"), "the upload leads to the document (at %s: %s)" % (browser.path(), browser.alert()))
    browser.check(browser.query().get("done", [""])[0] in ("document-uploaded", "document-pending"), "uploaded: %s" % browser.query())
    browser.check(config["document_title"] in browser.text(), "the document page shows its title")
    document_path = browser.path()
    browser.sign_out()

    # 4. An administrator disables an account; it can no longer sign in.
    browser.sign_in("admin", two_factor=True)
    target = config["people"]["disabled"]
    browser.open("/web/admin/accounts?q=" + urllib.parse.quote(target["email"]))
    links = [link for link in browser.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/web/admin/accounts/']") if target["email"] in link.text
             or target["email"] in link.find_element(By.XPATH, "./ancestor::tr[1]").text]
    browser.check(links, "the account is found")
    browser.submit(links[0])
    browser.submit(browser.button("form[action$='/disable'] button"))
    browser.check(browser.query().get("done") == ["account-disabled"], "disabled: %s" % browser.query())
    account_id = browser.path().split("/")[4]

    # 5. Every other page, as the administrator (who may open the most): each is checked like the rest.
    ids = {"{categoryId}": category, "{topicId}": topic_path.split("/")[3], "{postId}": (post_ids or [""])[0],
           "{documentId}": document_path.split("/")[3], "{accountId}": account_id}
    for template in config["pages"]:
        path = template
        for name, value in ids.items():
            path = path.replace(name, value)
        if "{" not in path:
            browser.open(path)
    browser.sign_out()
    browser.open("/web/sign-in")
    browser.fill("email", target["email"])
    browser.fill("password", target["password"])
    browser.submit(browser.button("main form button[type=submit]"))
    browser.check(browser.path() == "/web/sign-in" and browser.alert(), "a disabled account cannot sign in")

    # 6. The quick exit leaves for a page that says nothing of Haven.
    browser.open("/web/sign-in")
    browser.submit(browser.button("a.quick-exit"))
    browser.check(browser.path() == "/today" and "Haven" not in browser.driver.title, "quick exit lands on a neutral page")
    return screenshot


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        config = json.load(file)
    browser = Browser(config)
    screenshot = None
    try:
        screenshot = flow(browser)
    except Failure:
        pass
    except Exception as error:  # a missing element: report it with where it happened
        browser.failures.append("at %s: %s" % (browser.path(), str(error).splitlines()[0] if str(error) else repr(error)))
    finally:
        try:
            browser.driver.save_screenshot(os.path.join(config["artefacts"], "last-%s-%s.png" % (browser.language, "js" if browser.javascript else "nojs")))
        except WebDriverException:
            pass
        browser.close()
    report = json.dumps({"pages": browser.pages, "failures": browser.failures, "screenshot": screenshot}, ensure_ascii=False, indent=1)
    with open(config["report"], "w", encoding="utf-8") as file:
        file.write(report)
    print(report)
    sys.exit(1 if browser.failures else 0)


if __name__ == "__main__":
    main()
