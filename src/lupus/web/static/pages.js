// Progressive enhancement for the lupus-immunotherapy pages (written for this project).
// Every page works without this file; it only adds live feedback.
"use strict";

function liveSledai() {
  document.querySelectorAll("form[data-sledai-weights]").forEach(function (form) {
    // Weights come from the server (lupus.clinical SLEDAI-2K table), never typed here.
    var weights = JSON.parse(form.getAttribute("data-sledai-weights"));
    var out = form.querySelector("#sledai-live");
    function update() {
      var total = 0;
      form.querySelectorAll('input[name="descriptor"]:checked').forEach(function (box) {
        total += weights[box.value] || 0;
      });
      if (out) { out.value = String(total); out.textContent = String(total); }
    }
    form.addEventListener("change", update);
    update();
  });
}

function gradeHelpers() {
  document.querySelectorAll("details.helper[data-helper]").forEach(function (box) {
    var kind = box.getAttribute("data-helper");
    var form = box.closest("form");
    var out = box.querySelector(".helper-out");
    var use = box.querySelector("#use_" + kind + "_helper");
    function update() {
      if (!use || !use.checked) { return; }
      var params = new URLSearchParams();
      box.querySelectorAll("input, select").forEach(function (el) {
        if (!el.name || el.name.indexOf(kind + "_") !== 0) { return; }
        if (el.type === "checkbox") { if (el.checked) { params.append(el.name, "on"); } }
        else { params.append(el.name, el.value); }
      });
      fetch(box.getAttribute("data-endpoint") + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.error) { out.textContent = "not yet: " + data.error; return; }
          out.textContent = "grade " + data.grade + " (" + data.rule + ")";
          var category = form.querySelector("#category");
          if (category) { category.value = kind; }
          var grade = form.querySelector("#grade");
          if (grade && data.grade >= 1) { grade.value = String(data.grade); }
        })
        .catch(function () { out.textContent = "the helper could not be reached; the server grades on saving"; });
    }
    box.addEventListener("change", update);
    box.addEventListener("input", update);
  });
}

function crisisAtOnce() {
  var item9 = document.querySelector("fieldset[data-item9]");
  var panel = document.getElementById("crisis-now");
  if (!item9 || !panel) { return; }
  item9.addEventListener("change", function () {
    var chosen = item9.querySelector("input:checked");
    panel.hidden = !(chosen && Number(chosen.value) > 0);
  });
}

function followJobs() {
  var card = document.querySelector("[data-job]");
  if (!card) { return; }
  var url = card.getAttribute("data-job");
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-text");
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.status === "done") { window.location.assign(job.next); return; }
        if (job.status === "failed") { window.location.reload(); return; }
        if (bar) { bar.max = job.total || 1; bar.value = job.done; }
        if (text) { text.textContent = job.status + ": " + job.done + " of " + (job.total || "?") + " steps"; }
        window.setTimeout(poll, 800);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
}

document.addEventListener("DOMContentLoaded", function () {
  liveSledai();
  gradeHelpers();
  crisisAtOnce();
  followJobs();
});
