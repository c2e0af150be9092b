// The app side of the browser pages, in syntax Chromium 64 runs: calls the SDK the page
// loaded (the legacy global `PaketTV`, or the ES module as `window.sdk`) and returns plain
// JSON for the test driver.
(function () {
  var creds = { username: 'platform_demo', password: 'test_sk_platform_demo' };
  function sdk() {
    return window.PaketTV || window.sdk;
  }
  function client(baseUrl) {
    return sdk().createPaketClient({ credentials: creds, baseUrl: baseUrl, retry: { limit: 1 } });
  }
  function fail(error) {
    return { ok: false, name: error && error.name, message: String(error && error.message) };
  }
  window.tvReady = function () {
    return Boolean(sdk());
  };
  window.tvStatus = function (baseUrl) {
    return client(baseUrl)
      .status()
      .then(function (s) {
        return { ok: true, message: s.message };
      }, fail);
  };
  window.tvEnsure = function (baseUrl, profileId) {
    var c = client(baseUrl);
    return c.sessions.ensure(profileId).then(function (s) {
      return { ok: true, id: s.session_id, storageKind: c.storageKind };
    }, fail);
  };
  window.tvLink = function (baseUrl, profileId, appId, participantId) {
    return client(baseUrl)
      .sessions.link(profileId, { appId: appId, participantId: participantId })
      .then(function (l) {
        return { ok: true, sessionId: l.session_id };
      }, fail);
  };
})();
