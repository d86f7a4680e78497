var instance = null;
window.SalesCoach = {
  version: "1",
  boot: function (options) {
    if (instance) instance.host.remove();
    if (!options || !options.token) throw new Error("SalesCoach.boot needs {token}");
    instance = new Widget(options);
    var reopen = false;
    try { reopen = sessionStorage.getItem(instance.storeKey + ":open") === "1"; } catch (e) { /* ignore */ }
    if (options.open || reopen) instance.open();
    return instance;
  },
  open: function () { if (instance) instance.open(); },
  close: function () { if (instance) instance.close(); },
  shutdown: function () { if (instance) { instance.host.remove(); instance = null; } }
};
