# The admin console in headless Chromium through WebDriver (python3-selenium),
# against a real jiffyd; screenshots land in build/console-screenshots/.
# SKIP (77) when Chromium, chromedriver or selenium is missing or Chromium
# cannot start; a missing jiffyd fails.
# -B: importing the shared jiffy_browser.py leaves no __pycache__ in the source tree.
add_test(NAME browser_console
  COMMAND /usr/bin/python3 -B ${CMAKE_CURRENT_SOURCE_DIR}/browser/console_browser.py
          $<TARGET_FILE:jiffyd> ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR}/console-screenshots)
set_tests_properties(browser_console PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180 LABELS "integration;browser")

# The Cluster panel on three real jiffyd (127.0.0.2-4, one SQLite file, a real
# Redis as the KVS): the same leader and term on the three pages, then a
# kill -9'd member turning FAILED on the pages still open. Same SKIP rule; a
# missing jiffyd or redis-server (found on PATH) fails.
add_test(NAME browser_console_cluster
  COMMAND /usr/bin/python3 -B ${CMAKE_CURRENT_SOURCE_DIR}/browser/console_cluster_browser.py
          $<TARGET_FILE:jiffyd> ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR}/console-screenshots)
set_tests_properties(browser_console_cluster PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240
                     LABELS "integration;browser;cluster")
