// The import page's progress bar: polls the job's progress.json each second and moves the
// bar and the counts; when the job has ended, the page reloads to show the rejected rows.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("import-bar");
  function show(name, value) {
    var el = document.getElementById("import-" + name);
    if (el) { el.textContent = String(value); }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.max = job.total || 1;
        bar.value = job.processed;
        ["status", "processed", "total", "created", "updated", "unchanged", "rejected"].forEach(
          function (k) { show(k, job[k]); });
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}());
