# The admin console in headless Chromium through WebDriver (python3-selenium),
# against a real jiffyd; screenshots land in build/console-screenshots/.
# SKIP (77) when Chromium, chromedriver or selenium is missing or Chromium
# cannot start; a missing jiffyd fails.
add_test(NAME browser_console
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/browser/console_browser.py
          $<TARGET_FILE:jiffyd> ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR}/console-screenshots)
set_tests_properties(browser_console PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180 LABELS "integration;browser")
