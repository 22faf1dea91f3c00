// Corridor front-end glue: ECharts from <script type="application/json"> blocks, explain popovers.
(function () {
  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-echarts]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.echarts);
      if (!source) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var option = JSON.parse(source.textContent);
      // counts and sums in tooltips carry thousands separators (303,000), as on the pages
      if (option.tooltip && !option.tooltip.formatter && !option.tooltip.valueFormatter) {
        option.tooltip.valueFormatter = function (v) {
          return typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : v;
        };
      }
      chart.setOption(option);
      el.dataset.rendered = "1";
      // a datum carrying an href opens it: the records behind a bar (dashboard charts)
      chart.on("click", function (params) {
        if (params.data && params.data.href) window.location.href = params.data.href;
      });
      // data-echarts-click="/url/__id__/" + data-echarts-target="#panel": load the clicked item's panel
      if (el.dataset.echartsClick && window.htmx) {
        chart.on("click", function (params) {
          var id = params.data && params.data.id;
          if (!id) return;
          var url = el.dataset.echartsClick.replace("__id__", encodeURIComponent(id));
          window.htmx.ajax("GET", url, { target: el.dataset.echartsTarget, swap: "innerHTML" });
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); });

  // Kanban: drag a [data-project] card onto a [data-stage] column of a [data-move-url] board.
  // Lost and on-hold ask for a reason first (the server enforces every stage rule anyway).
  function moveCard(board, projectId, column) {
    var url = board.dataset.moveUrl.replace("/0/", "/" + projectId + "/");
    var values = { stage: column.dataset.stage, from: "board" };
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    function send() {
      window.htmx.ajax("POST", url, { target: "#board", swap: "innerHTML", values: values,
        headers: { "X-CSRFToken": token ? token.value : "" } });
    }
    var kind = column.dataset.kind;
    var dialog = document.getElementById(kind === "lost" ? "lost-dialog" : kind === "on_hold" ? "hold-dialog" : "");
    if (!dialog) { send(); return; }
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue !== "ok") return;
      if (kind === "lost") { values.lost_reason = document.getElementById("lost-reason").value; values.note = document.getElementById("lost-note").value; }
      else { values.note = document.getElementById("hold-note").value; }
      send();
    });
    dialog.showModal();
  }
  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest("[data-project]");
    if (card) e.dataTransfer.setData("text/plain", card.dataset.project);
  });
  document.addEventListener("dragover", function (e) {
    var col = e.target.closest && e.target.closest("[data-stage]");
    if (col) { e.preventDefault(); col.classList.add("drop-target"); }
  });
  document.addEventListener("dragleave", function (e) {
    var col = e.target.closest && e.target.closest("[data-stage]");
    if (col) col.classList.remove("drop-target");
  });
  document.addEventListener("drop", function (e) {
    var col = e.target.closest && e.target.closest("[data-stage]");
    var board = col && col.closest("[data-move-url]");
    if (!board) return;
    e.preventDefault();
    col.classList.remove("drop-target");
    var id = e.dataTransfer.getData("text/plain");
    if (id) moveCard(board, id, col);
  });
  // Behaviour declared in markup, so that no page needs inline handlers (the Content-Security-Policy
  // allows no inline script): <select data-autosubmit> submits its form, <form data-confirm="…">
  // asks first, <a data-history-back> goes back.
  document.addEventListener("change", function (e) {
    var el = e.target.closest && e.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });
  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-history-back]");
    if (link && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
  window.corridorMoveCard = moveCard;  // for keyboard users and tests: move without dragging
})();
