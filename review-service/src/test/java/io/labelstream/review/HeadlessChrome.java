package io.labelstream.review;

import java.nio.file.Path;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** The one way the browser tests start Chromium: headless, quiet, at a fixed size and scale, its console kept. */
public final class HeadlessChrome {

  private HeadlessChrome() {}

  /**
   * A fresh browser (its own profile and sessionStorage) of a {@code width} x {@code height} window at device scale 1,
   * so pixel positions in tests are CSS pixels; its console messages are readable as {@link LogType#BROWSER} logs.
   */
  public static ChromeDriver open(Path chromium, Path chromedriver, int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=" + width + "," + height, "--force-device-scale-factor=1");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).build();
    return new ChromeDriver(service, options);
  }
}
