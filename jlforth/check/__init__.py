"""The checker: names and scopes, types and promotion, method selection and
specialisation; it turns an :class:`jlforth.frontend.ast.Module` into a typed
:class:`jlforth.ir.Program`.

``check_module(module, target) -> ir.Program``
"""
from __future__ import annotations


def check_module(module, target):
    from .checker import Checker
    return Checker(module, target).run()
