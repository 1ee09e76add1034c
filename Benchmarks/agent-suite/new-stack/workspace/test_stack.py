import pytest

from stack import Stack


def test_new_stack_is_empty():
    stack = Stack()
    assert stack.is_empty()
    assert len(stack) == 0


def test_push_pop_is_last_in_first_out():
    stack = Stack()
    for item in [1, 2, 3]:
        stack.push(item)
    assert len(stack) == 3
    assert [stack.pop(), stack.pop(), stack.pop()] == [3, 2, 1]
    assert stack.is_empty()


def test_peek_does_not_remove():
    stack = Stack()
    stack.push("a")
    stack.push("b")
    assert stack.peek() == "b"
    assert len(stack) == 2, "peek must not remove the item"


def test_empty_stack_errors():
    stack = Stack()
    with pytest.raises(IndexError):
        stack.pop()
    with pytest.raises(IndexError):
        stack.peek()


def test_separate_stacks_are_independent():
    first, second = Stack(), Stack()
    first.push(1)
    assert second.is_empty(), "each Stack needs its own storage"
