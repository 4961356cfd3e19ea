// The meeting form's invitee picker (templates/clusters/_invitees.html): a group's
// "select all" box ticks or clears everyone in the group, and shows whether all, some or
// none of them are ticked. Without this script the box still works: the form invites the
// whole group when it is ticked.
"use strict";

function groupMembers(key) {
  return document.querySelectorAll(`input[data-group-member="${CSS.escape(key)}"]`);
}

function showGroupState(key) {
  const box = document.querySelector(`input[data-select-group="${CSS.escape(key)}"]`);
  if (!box) return;
  const members = Array.from(groupMembers(key));
  const ticked = members.filter((member) => member.checked).length;
  box.checked = members.length > 0 && ticked === members.length;
  box.indeterminate = ticked > 0 && ticked < members.length;
}

document.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement)) return;
  if (target.dataset.selectGroup) {
    for (const member of groupMembers(target.dataset.selectGroup)) {
      member.checked = target.checked;
    }
    target.indeterminate = false;
  } else if (target.dataset.groupMember) {
    showGroupState(target.dataset.groupMember);
  }
});

document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("input[data-select-group]")) {
    showGroupState(box.dataset.selectGroup);
  }
});
