// The project form's pickers: the node list shows the nodes of the chosen chain only, and
// choosing a node chooses its chain (the server checks the pair either way).
(function () {
  function wire(form) {
    var chain = form.querySelector("select[data-chain-picker]");
    var node = form.querySelector("select[data-node-picker]");
    if (!chain || !node) return;
    function narrow() {
      var key = chain.value;
      node.querySelectorAll("option[data-chain]").forEach(function (o) {
        var hide = key !== "" && o.dataset.chain !== key;
        o.hidden = hide;
        o.disabled = hide;
      });
      node.querySelectorAll("optgroup").forEach(function (g) {
        g.hidden = !g.querySelector("option:not([hidden])");
      });
      var chosen = node.selectedOptions[0];
      if (chosen && chosen.disabled) node.value = "";
    }
    chain.addEventListener("change", narrow);
    node.addEventListener("change", function () {
      var chosen = node.selectedOptions[0];
      if (chosen && chosen.dataset.chain && chain.value !== chosen.dataset.chain) {
        chain.value = chosen.dataset.chain;
        narrow();
      }
    });
    narrow();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form#project-form").forEach(wire);
  });
})();
