// Corridor front-end glue: ECharts from <script type="application/json"> blocks, explain popovers.
(function () {
  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-echarts]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.echarts);
      if (!source) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(source.textContent));
      el.dataset.rendered = "1";
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
})();
