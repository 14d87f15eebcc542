// Tells the server which time zone this browser is in (the `tz` cookie), so dates and times
// are shown in it for people who have not chosen a zone in their profile. Without JavaScript
// the site's own zone applies. Rewritten only when the zone changes (a laptop that travelled).
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) return;
  var known = document.cookie.split("; ").filter(function (c) { return c.indexOf("tz=") === 0; })[0];
  if (known === "tz=" + zone) return;
  var secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax" + secure;
})();
